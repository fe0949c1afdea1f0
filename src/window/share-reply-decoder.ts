import { parseGoInt } from "../go/int.js";
import { parseScore } from "../go/score.js";
import type { ExactInt } from "./exact-sum.js";
import { phantomSecond, type ShareSink, type ShareTarget } from "./share-window.js";

const COLON = 58;
const PLUS = 43;
const MINUS = 45;
/** Digits that always make an exact `number` (10^15 < 2^53). */
const SAFE_DIGITS = 15;
/** Logins interned before the table starts over (a bound on its memory). */
const MAX_LOGINS = 1 << 20;

/**
 * Splits `P:hashrate` members (`diff:login:worker:ms`) and their scores straight from the
 * bytes of a RESP reply into a {@link ShareSink}, with results identical to
 * {@link ShareWindow.addReply} on the strings ioredis would have made of the same bytes:
 *
 * - the score: digits only (up to 15) are read as the integer they are; anything else
 *   (a sign, a fraction, an exponent, `inf`, garbage) goes through `parseScore` on the
 *   UTF-8 text, and an unusable one is a `bad-score` phantom at `phantomSecond`;
 * - the difficulty: the bytes before the first `:`, with Go's `ParseInt` syntax (an
 *   optional sign, ASCII digits); the pool's usual difficulty is recognised by its bytes
 *   without parsing; values beyond 2^53 are exact `bigint`s;
 * - the login: the bytes up to the next `:`, interned by bytes (one string per login, not
 *   per member), decoded as UTF-8 like ioredis decodes a reply (invalid bytes become
 *   U+FFFD; `:` is ASCII, so cutting bytes or cutting the decoded text agree).
 *
 * Malformed members are reported with their full text (UTF-8, as ioredis gives it). One
 * decoder serves one window; {@link ShareReplyDecoder.into} points it at the sink of a read.
 * @internal
 */
export class ShareReplyDecoder {
  private sink: ShareSink | undefined;
  // The last difficulty field's bytes and value.
  private diffBytes = new Uint8Array(32);
  private diffLength = -1;
  private diffValue: ExactInt = 0;
  /** The length of the last login scanned: the first guess for the next. */
  private loginLength = 0;
  // Interned logins: open addressing on a hash of the bytes; bytes kept in one arena.
  private slots = new Int32Array(1 << 12).fill(-1);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private starts: number[] = [];
  private lengths: number[] = [];
  private hashes: number[] = [];
  private strings: string[] = [];

  /** @param maxLogins - logins interned before the table starts over (bounds its memory) */
  constructor(private readonly maxLogins = MAX_LOGINS) {}

  /** Per interned login, its sink's target in the current read (see `ShareSink.target`). */
  private targets: (ShareTarget | undefined)[] = [];

  /** Points the decoder at `sink` (a window's sink for one read); returns itself. */
  into(sink: ShareSink): this {
    this.sink = sink;
    this.targets = []; // targets are valid for one read
    return this;
  }

  /** Logins interned (for tests and memory accounting). */
  get logins(): number {
    return this.strings.length;
  }

  /** One `member, score` pair, as byte ranges of `bytes` (see `WithScoresPairSink`). */
  pair(bytes: Uint8Array, memberStart: number, memberEnd: number, scoreStart: number, scoreEnd: number): void {
    const sink = this.sink as ShareSink;
    // The score: the integer a digits-only text stands for, else the exact rules.
    let second = 0;
    const scoreLength = scoreEnd - scoreStart;
    let plain = scoreLength > 0 && scoreLength <= SAFE_DIGITS;
    for (let i = scoreStart; plain && i < scoreEnd; i++) {
      const digit = (bytes[i] as number) - 48;
      if (digit < 0 || digit > 9) plain = false;
      else second = second * 10 + digit;
    }
    if (!plain) {
      const text = utf8(bytes, scoreStart, scoreEnd);
      const parsed = parseScore(text);
      if (parsed === undefined) {
        sink.malformed(phantomSecond(text), utf8(bytes, memberStart, memberEnd), "bad-score");
        return;
      }
      second = parsed;
    }
    this.member(bytes, memberStart, memberEnd, second);
  }

  /**
   * One member whose integer score (the original's `int64(score)`) is known: read from
   * a range of one second without `WITHSCORES`.
   */
  member(bytes: Uint8Array, memberStart: number, memberEnd: number, second: number): void {
    const sink = this.sink as ShareSink;
    // The difficulty field ends at the first ':'.
    let cut = memberStart;
    while (cut < memberEnd && bytes[cut] !== COLON) cut++;
    if (cut === memberEnd) {
      sink.malformed(second, utf8(bytes, memberStart, memberEnd), "too-few-fields");
      return;
    }
    const diff = this.diffOf(bytes, memberStart, cut);
    if (diff === undefined) {
      sink.malformed(second, utf8(bytes, memberStart, memberEnd), "not-an-integer");
      return;
    }
    // The login: up to the next ':' (or the end). Logins of a pool mostly have one length:
    // when a known login of the last length ends where the next ':' would be, the bytes
    // compared equal prove it is the field (a known login holds no ':'), without a scan.
    const loginStart = cut + 1;
    let entry = -1;
    const guess = loginStart + this.loginLength;
    if (this.loginLength > 0 && guess <= memberEnd && (guess === memberEnd || bytes[guess] === COLON)) {
      entry = this.find(bytes, loginStart, guess, sampleHash(bytes, loginStart, guess));
    }
    if (entry < 0) {
      let loginEnd = loginStart;
      while (loginEnd < memberEnd && bytes[loginEnd] !== COLON) loginEnd++;
      const hash = sampleHash(bytes, loginStart, loginEnd);
      entry = this.find(bytes, loginStart, loginEnd, hash);
      if (entry < 0) entry = this.add(bytes, loginStart, loginEnd, hash);
      this.loginLength = loginEnd - loginStart;
    }
    if (sink.target === undefined) {
      sink.share(this.strings[entry] as string, second, diff);
      return;
    }
    // The login's series, resolved once per read: no map lookup per share.
    let target = this.targets[entry];
    if (target === undefined) {
      target = sink.target(this.strings[entry] as string);
      this.targets[entry] = target;
    }
    target.add(second, diff);
  }

  /** The difficulty in `[start, end)` (Go's `ParseInt` syntax), or `undefined` when it is not an integer. */
  private diffOf(bytes: Uint8Array, start: number, end: number): ExactInt | undefined {
    const length = end - start;
    if (length === this.diffLength) {
      const known = this.diffBytes;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[start + i] !== known[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.diffValue;
    }
    let i = start;
    const sign = bytes[i];
    if (sign === PLUS || sign === MINUS) i++;
    if (i === end) return undefined; // "", "+", "-"
    let value = 0;
    for (let j = i; j < end; j++) {
      const digit = (bytes[j] as number) - 48;
      if (digit < 0 || digit > 9) return undefined;
      value = value * 10 + digit;
    }
    let result: ExactInt;
    if (end - i <= SAFE_DIGITS) {
      result = sign === MINUS && value !== 0 ? -value : value;
    } else {
      // Long (or zero-padded) digits: exactly, through the one integer parser.
      const exact = parseGoInt(latin1(bytes, start, end)) as bigint;
      result =
        exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
    }
    if (length > this.diffBytes.length) this.diffBytes = new Uint8Array(length * 2);
    this.diffBytes.set(bytes.subarray(start, end), 0);
    this.diffLength = length;
    this.diffValue = result;
    return result;
  }

  /** The entry of the login bytes `[start, end)` of hash `hash`, −1 when not interned. */
  private find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.slots.length - 1;
    const slots = this.slots;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry < 0) return -1;
      if (this.hashes[entry] !== hash || this.lengths[entry] !== length) continue;
      const at = this.starts[entry] as number;
      const arena = this.arena;
      let i = 0;
      while (i < length && arena[at + i] === bytes[start + i]) i++;
      if (i === length) return entry;
    }
  }

  /** Interns the login bytes `[start, end)` (not interned yet) of hash `hash`. */
  private add(bytes: Uint8Array, start: number, end: number, hash: number): number {
    if (this.strings.length >= this.maxLogins) this.reset();
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      grown.set(this.arena.subarray(0, this.arenaUsed), 0);
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    const text = utf8(bytes, start, end);
    const entry = this.strings.length;
    this.starts.push(this.arenaUsed);
    this.lengths.push(length);
    this.hashes.push(hash);
    this.strings.push(text);
    this.arenaUsed += length;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
    if (this.strings.length * 2 > this.slots.length) this.rehash();
    return entry;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.hashes.length; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }

  private reset(): void {
    this.targets = [];
    this.loginLength = 0;
    this.slots = new Int32Array(1 << 12).fill(-1);
    this.arenaUsed = 0;
    this.starts = [];
    this.lengths = [];
    this.hashes = [];
    this.strings = [];
  }
}

/**
 * A hash of the login bytes `[start, end)` that reads at most 16 of them: short logins
 * whole, longer ones by their first 4 and last 12 bytes (where addresses differ) and
 * their length. Collisions only cost a comparison: every lookup compares all bytes.
 */
function sampleHash(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  if (length <= 16) {
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
    return hash | 0;
  }
  for (let i = start; i < start + 4; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  for (let i = end - 12; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash | 0;
}

function utf8(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}
