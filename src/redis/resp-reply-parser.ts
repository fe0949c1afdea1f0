/**
 * RESP2 replies read straight from socket Buffers, for the bulk connection: a
 * `WITHSCORES` array is handed over pair by pair as byte ranges of the Buffer it arrived
 * in (no string, no Buffer per element), anything else is parsed into a small value.
 * Replies may be cut anywhere by the socket: an incomplete element is kept and completed
 * by the next chunk. No I/O here.
 * @packageDocumentation
 */

/**
 * Receives the `member, score` pairs of a `WITHSCORES` reply as byte ranges of `bytes`
 * (`[memberStart, memberEnd)`, `[scoreStart, scoreEnd)`), valid only during the call.
 */
export interface WithScoresPairSink {
  pair(bytes: Uint8Array, memberStart: number, memberEnd: number, scoreStart: number, scoreEnd: number): void;
}

/**
 * Receives the members of a reply without scores (`ZRANGE … BYSCORE` without
 * `WITHSCORES`) as byte ranges of `bytes`, valid only during the call.
 */
export interface MemberSink {
  member(bytes: Uint8Array, start: number, end: number): void;
}

/** What one reply came to: a value (or the count of pairs handed over), or Redis's error reply. */
export type ParsedReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: Error };

/** A reply the parser cannot read: the connection's stream is no longer trustworthy. */
export class RespProtocolError extends Error {
  override readonly name = "RespProtocolError";
}

/** A reply beyond the parser's byte bound. */
export class ReplyTooLargeError extends Error {
  override readonly name = "ReplyTooLargeError";
}

const CR = 13;
const LF = 10;
const DOLLAR = 36;
const STAR = 42;
const MINUS = 45;
const PLUS = 43;
const COLON = 58;
/** A header line (`*123\r\n`, `$45\r\n`) is never longer than this. */
const MAX_HEADER = 24;
/**
 * Bytes of the next chunk joined to an element cut by the previous one, beyond what it is
 * known to need (a score and its headers; replies of the bulk connection are small).
 */
const JOIN_SLACK = 256;
/** Nesting accepted in a plain value reply (the bulk connection sends no command that nests). */
const MAX_DEPTH = 4;

/**
 * One reply the parser waits for: a `WITHSCORES` array whose pairs go to `pairs`, an
 * array of members that go to `members`, or (neither) a plain value.
 */
export interface ExpectedReply {
  readonly pairs?: WithScoresPairSink | undefined;
  readonly members?: MemberSink | undefined;
}

/**
 * A streaming parser of RESP2 replies, one after the other, in the order they were asked
 * for. {@link RespReplyParser.feed} takes each socket chunk and returns the replies it
 * completed; a reply above `maxReplyBytes` throws {@link ReplyTooLargeError}, bytes that are
 * not RESP2 throw {@link RespProtocolError} (either way the stream cannot be resynchronised).
 */
export class RespReplyParser {
  /** The length {@link RespReplyParser.bulkHeader} read last. */
  private headerLength = 0;
  /** Bytes of an element that did not end in the previous chunk. */
  private carry: Uint8Array | undefined;
  /** Of the current pairs reply: elements (members + scores) still to come, −1 before its header. */
  private remaining = -1;
  private pairsSeen = 0;
  /** Bytes of the current reply consumed so far (for the bound). */
  private replyBytes = 0;
  /** At least how many bytes the kept incomplete element needs (0 when unknown). */
  private needed = 0;

  constructor(private readonly maxReplyBytes: number) {}

  /** Whether part of a reply is held, waiting for more bytes. */
  get midReply(): boolean {
    return this.carry !== undefined || this.remaining >= 0;
  }

  /**
   * Parses `chunk`; `expected(i)` says what the `i`-th reply completed by this chunk is
   * (or `undefined` when nothing is awaited, which makes any byte a protocol error).
   * Returns the replies completed, in order.
   */
  feed(chunk: Uint8Array, expected: (index: number) => ExpectedReply | undefined): ParsedReply[] {
    const done: ParsedReply[] = [];
    let bytes = chunk;
    let pos = 0;
    const carry = this.carry;
    if (carry !== undefined) {
      this.carry = undefined;
      // Finish the element cut by the previous chunk in a small joined buffer, then go on
      // in `chunk` itself: no copy of every chunk.
      const take = Math.min(chunk.length, this.needed + JOIN_SLACK);
      const head = join(carry, chunk.subarray(0, take));
      const stop = this.parse(head, 0, expected, done);
      if (stop >= carry.length) pos = stop - carry.length;
      else if (take === chunk.length) return this.keep(head, stop, done);
      else {
        bytes = join(head.subarray(stop), chunk.subarray(take)); // longer than guessed: rare
      }
    }
    const stop = this.parse(bytes, pos, expected, done);
    return stop < bytes.length ? this.keep(bytes, stop, done) : done;
  }

  /** Parses replies from `pos`; returns where it stopped: the end, or the start of an incomplete element. */
  private parse(
    bytes: Uint8Array,
    pos: number,
    expected: (index: number) => ExpectedReply | undefined,
    done: ParsedReply[],
  ): number {
    while (pos < bytes.length) {
      const reply = expected(done.length);
      if (reply === undefined) throw new RespProtocolError("bytes from Redis with no request waiting");
      const end =
        reply.pairs === undefined && reply.members === undefined
          ? this.value(bytes, pos, done)
          : this.array(bytes, pos, reply, done);
      if (end < 0) return -end - 1;
      pos = end;
    }
    return pos;
  }

  /** Keeps `bytes[from…]`, an incomplete element, for the next chunk (a copy, bounded). */
  private keep(bytes: Uint8Array, from: number, done: ParsedReply[]): ParsedReply[] {
    this.carry = Uint8Array.prototype.slice.call(bytes, from);
    if (this.replyBytes + this.carry.length > this.maxReplyBytes) this.tooLarge();
    return done;
  }

  /** Forgets any partial reply (after the connection was dropped). */
  reset(): void {
    this.carry = undefined;
    this.needed = 0;
    this.remaining = -1;
    this.pairsSeen = 0;
    this.replyBytes = 0;
  }

  /**
   * Parses (the rest of) a WITHSCORES or members reply from `pos`. Returns the position
   * after it, or `-(p + 1)` when it needs more bytes, `p` being where the unread part starts.
   */
  private array(bytes: Uint8Array, pos: number, reply: ExpectedReply, done: ParsedReply[]): number {
    if (this.remaining < 0) {
      const type = bytes[pos];
      if (type !== STAR) {
        // Not an array: an error reply (WRONGTYPE) or something unexpected, read as a value.
        const end = this.value(bytes, pos, done);
        if (end >= 0) {
          const last = done[done.length - 1] as ParsedReply;
          if (last.ok && last.value !== null) throw new RespProtocolError("a range reply that is not an array");
          if (last.ok) done[done.length - 1] = { ok: true, value: 0 }; // nil array: no members
        }
        return end;
      }
      const eol = lineEnd(bytes, pos);
      if (eol < 0) {
        this.needed = 0;
        return -(pos + 1);
      }
      const count = readInteger(bytes, pos + 1, eol);
      this.replyBytes += eol + 2 - pos;
      pos = eol + 2;
      if (count <= 0) {
        this.finish(done, 0);
        return pos;
      }
      if (reply.pairs !== undefined && count % 2 !== 0) {
        throw new RespProtocolError("a WITHSCORES reply with an odd number of elements");
      }
      this.remaining = count;
      this.pairsSeen = 0;
    }
    if (reply.pairs === undefined) return this.members(bytes, pos, reply.members as MemberSink, done);
    const sink = reply.pairs;
    const length = bytes.length;
    while (this.remaining > 0) {
      // One pair: `$m\r\n<member>\r\n$s\r\n<score>\r\n`, read only when all of it is here.
      if (pos >= length) {
        this.needed = 0;
        return -(pos + 1);
      }
      if (bytes[pos] !== DOLLAR) throw new RespProtocolError("a WITHSCORES element that is not a bulk string");
      let p = this.bulkHeader(bytes, pos);
      const memberLength = this.headerLength;
      const memberStart = p + 2;
      const memberEnd = memberStart + memberLength;
      if (memberEnd + 3 > length) return this.short(pos, memberEnd - pos);
      if (p === pos + 1 || (bytes[memberEnd] as number) !== CR) {
        throw new RespProtocolError("a WITHSCORES element that is not a bulk string");
      }
      p = memberEnd + 2;
      if (bytes[p] !== DOLLAR) throw new RespProtocolError("a WITHSCORES score that is not a bulk string");
      const scoreHeader = p;
      p = this.bulkHeader(bytes, scoreHeader);
      const scoreLength = this.headerLength;
      const scoreStart = p + 2;
      const scoreEnd = scoreStart + scoreLength;
      if (scoreEnd + 2 > length) return this.short(pos, scoreEnd - pos);
      if (p === scoreHeader + 1 || (bytes[scoreEnd] as number) !== CR) {
        throw new RespProtocolError("a WITHSCORES score that is not a bulk string");
      }
      sink.pair(bytes, memberStart, memberEnd, scoreStart, scoreEnd);
      this.remaining -= 2;
      this.pairsSeen++;
      this.replyBytes += scoreEnd + 2 - pos;
      pos = scoreEnd + 2;
    }
    if (this.replyBytes > this.maxReplyBytes) this.tooLarge();
    this.finish(done, this.pairsSeen);
    return pos;
  }

  /** The elements of a members reply, one bulk string each (see {@link RespReplyParser.array}). */
  private members(bytes: Uint8Array, pos: number, sink: MemberSink, done: ParsedReply[]): number {
    const length = bytes.length;
    while (this.remaining > 0) {
      if (pos >= length) {
        this.needed = 0;
        return -(pos + 1);
      }
      if (bytes[pos] !== DOLLAR) throw new RespProtocolError("a member that is not a bulk string");
      const p = this.bulkHeader(bytes, pos);
      const memberLength = this.headerLength;
      const memberStart = p + 2;
      const memberEnd = memberStart + memberLength;
      if (memberEnd + 2 > length) return this.short(pos, memberEnd - pos);
      if (p === pos + 1 || (bytes[memberEnd] as number) !== CR) {
        throw new RespProtocolError("a member that is not a bulk string");
      }
      sink.member(bytes, memberStart, memberEnd);
      this.remaining--;
      this.pairsSeen++;
      this.replyBytes += memberEnd + 2 - pos;
      pos = memberEnd + 2;
    }
    if (this.replyBytes > this.maxReplyBytes) this.tooLarge();
    this.finish(done, this.pairsSeen);
    return pos;
  }

  /** An incomplete pair at `pos` that needs at least `needed` bytes: bounded before it is kept. */
  /**
   * Reads the length of the bulk string whose `$` is at `start`: returns where its header
   * ends (its `\r`, or the end of `bytes`) and leaves the length in `headerLength`, so the
   * hot loops allocate nothing.
   */
  private bulkHeader(bytes: Uint8Array, start: number): number {
    let length = 0;
    let p = start + 1;
    for (; p < bytes.length; p++) {
      const c = bytes[p] as number;
      if (c === CR) break;
      if (c < 48 || c > 57) throw new RespProtocolError("a bulk string length that is not a number");
      length = length * 10 + (c - 48);
      if (p - start > MAX_HEADER) throw new RespProtocolError("a bulk string header that does not end");
    }
    this.headerLength = length;
    return p;
  }

  private short(pos: number, needed: number): number {
    if (this.replyBytes + needed > this.maxReplyBytes) this.tooLarge();
    this.needed = needed;
    return -(pos + 1);
  }

  private finish(done: ParsedReply[], pairs: number): void {
    done.push({ ok: true, value: pairs });
    this.remaining = -1;
    this.pairsSeen = 0;
    this.replyBytes = 0;
  }

  /** Parses one plain reply from `pos`; returns the position after it or `-(pos + 1)`. */
  private value(bytes: Uint8Array, pos: number, done: ParsedReply[]): number {
    const parsed = parseValue(bytes, pos, 0, this.maxReplyBytes);
    if (parsed === undefined) {
      this.needed = 0;
      if (bytes.length - pos > this.maxReplyBytes) this.tooLarge();
      return -(pos + 1);
    }
    this.replyBytes = 0;
    done.push(parsed.value instanceof Error ? { ok: false, error: parsed.value } : { ok: true, value: parsed.value });
    return parsed.end;
  }

  private tooLarge(): never {
    throw new ReplyTooLargeError(`a reply larger than ${this.maxReplyBytes} bytes`);
  }
}

/** `a` then `b` in one new Buffer (one array type for the sinks' hot loops, as the socket's chunks). */
function join(a: Uint8Array, b: Uint8Array): Buffer {
  const joined = Buffer.allocUnsafe(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/** A plain RESP2 value from `pos`, or `undefined` when incomplete. Error replies become `Error`s. */
function parseValue(
  bytes: Uint8Array,
  pos: number,
  depth: number,
  maxBytes: number,
): { value: unknown; end: number } | undefined {
  const eol = lineEnd(bytes, pos);
  if (eol < 0) return undefined;
  const type = bytes[pos];
  const line = (): string => Buffer.from(bytes.buffer, bytes.byteOffset + pos + 1, eol - pos - 1).toString("utf8");
  switch (type) {
    case PLUS:
      return { value: line(), end: eol + 2 };
    case MINUS:
      return { value: new Error(line()), end: eol + 2 };
    case COLON:
      return { value: readInteger(bytes, pos + 1, eol), end: eol + 2 };
    case DOLLAR: {
      const length = readInteger(bytes, pos + 1, eol);
      if (length < 0) return { value: null, end: eol + 2 };
      if (length > maxBytes) throw new ReplyTooLargeError(`a reply larger than ${maxBytes} bytes`);
      const start = eol + 2;
      if (start + length + 2 > bytes.length) return undefined;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString("utf8");
      return { value: text, end: start + length + 2 };
    }
    case STAR: {
      const count = readInteger(bytes, pos + 1, eol);
      if (count < 0) return { value: null, end: eol + 2 };
      if (depth >= MAX_DEPTH) throw new RespProtocolError("a reply nested deeper than expected");
      const items: unknown[] = [];
      let at = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseValue(bytes, at, depth + 1, maxBytes);
        if (item === undefined) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new RespProtocolError(`an unknown RESP2 type byte ${String(type)}`);
  }
}

/** Index of the `\r` ending the line at `pos`, −1 when it is not all here. */
function lineEnd(bytes: Uint8Array, pos: number): number {
  const limit = Math.min(bytes.length - 1, pos + MAX_HEADER);
  for (let i = pos; i < limit; i++) {
    if (bytes[i] === CR) {
      if (bytes[i + 1] !== LF) throw new RespProtocolError("a line not ended by CRLF");
      return i;
    }
  }
  // Simple strings and errors can be long (an error's text): allow them past MAX_HEADER.
  const type = bytes[pos];
  if ((type === PLUS || type === MINUS) && bytes.length - 1 > limit) {
    for (let i = limit; i < bytes.length - 1; i++) if (bytes[i] === CR && bytes[i + 1] === LF) return i;
    return -1;
  }
  if (bytes.length - pos > MAX_HEADER + 1) throw new RespProtocolError("a header line that does not end");
  return -1;
}

/** The signed decimal integer in `[start, end)`. */
function readInteger(bytes: Uint8Array, start: number, end: number): number {
  let sign = 1;
  let i = start;
  if (bytes[i] === MINUS) {
    sign = -1;
    i++;
  }
  if (i >= end) throw new RespProtocolError("an empty integer");
  let value = 0;
  for (; i < end; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) throw new RespProtocolError("an integer with a non-digit");
    value = value * 10 + digit;
  }
  return sign * value;
}
