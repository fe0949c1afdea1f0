import { toZsetWithScores, type ZsetWithScores } from "../convert/reply-shapes.js";
import { CommandFailedError } from "../errors/command-failed-error.js";
import type { PoolStatsError } from "../errors/pool-stats-error.js";
import { formatScoreBound, parseScore, redisScore } from "../go/score.js";
import { type BulkConnection, BulkConnectionError } from "./bulk-connection.js";
import type { BulkLink } from "./bulk-link.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { sendBatch } from "./exec.js";
import { failureError, isWrongType } from "./failure.js";
import { type CommandPlan, type PlanReplies, planCommands, planReplies } from "./plan.js";
import type { WithScoresPairSink } from "./resp-reply-parser.js";

/**
 * The bulk path of a range read: the middle reads over a dedicated RESP2 connection,
 * their replies decoded from bytes into `pairs` (e.g. a window's share decoder) as they
 * arrive, instead of ioredis and `onChunk`.
 */
export interface BulkRangeRead {
  /** The backend's bulk connection; when it cannot be opened the read uses ioredis throughout. */
  readonly link: BulkLink;
  /** Receives the members of the reads that go over it, in ascending score order. */
  readonly sink: BulkMemberSink;
}

/**
 * Where the members of bulk reads go: `WITHSCORES` pairs, or members of a read whose
 * integer score is known (see {@link Slice.bySecond}).
 */
export interface BulkMemberSink extends WithScoresPairSink {
  /** A member whose score truncates to `second` (valid during the call only, like a pair). */
  member(bytes: Uint8Array, start: number, end: number, second: number): void;
}

/** How a score range is read. */
export interface ScoreRangeRead<H extends CommandPlan = CommandPlan, T extends CommandPlan = CommandPlan> {
  /** The sorted set. */
  readonly key: string;
  /** Lowest score to read (inclusive). */
  readonly from: number;
  /** Score where the range ends (exclusive). @defaultValue `+inf` (inclusive): to the end of the set */
  readonly to?: number;
  /** Now, in Unix seconds: where the slices stop and the open-ended last one starts. */
  readonly nowS: number;
  /** Target members per command; each command reads about this many. */
  readonly chunkSize: number;
  /**
   * Commands that ride in the same MULTI as the first read, for one atomic snapshot of
   * them and the range's start (e.g. the rest of a pool snapshot). Replies in `head`.
   */
  readonly head?: H;
  /**
   * Commands that ride in the same MULTI as the last read, seeing the range's end (e.g. a
   * verification `ZCOUNT`). Replies in `tail`. A range bounded by a `to` at or before
   * now has no last page: its `tail` rides with the first read.
   */
  readonly tail?: T;
  /**
   * Members the range is expected to hold (e.g. the previous read's tail): with `bulk` and
   * more than a first page's worth, the slices start at once, sized from it, while the
   * first MULTI (the `head` and the range's count) is answered; without, they wait for
   * that MULTI's count and first page.
   */
  readonly expected?: number;
  /**
   * Receives each chunk of `member, score` pairs read through ioredis, in ascending
   * score order (with `bulk`, the first and last pages only).
   */
  readonly onChunk: (chunk: ZsetWithScores) => void;
  /**
   * Read the slices between the first and the last page over a bulk connection (see
   * {@link BulkRangeRead}). The pages that ride in a MULTI with `head` and `tail` stay on
   * ioredis, so their atomicity is unchanged, and the last page is sent only once every
   * bulk read before it is answered, so `tail` still sees the range after all of them.
   */
  readonly bulk?: BulkRangeRead;
  /** The library call, for errors. */
  readonly operation: string;
  /**
   * Each round trip one MULTI (an atomic snapshot), or a plain pipeline that ioredis's
   * `scaleReads` can send to a replica. @defaultValue true
   */
  readonly atomic?: boolean;
}

/** What a range read did. */
export interface ScoreRangeResult<H extends CommandPlan = CommandPlan, T extends CommandPlan = CommandPlan> {
  /** Replies of the `head` commands. */
  readonly head: PlanReplies<H>;
  /** Replies of the `tail` commands (sent with the last read). */
  readonly tail: PlanReplies<T>;
  /** Members read (each member is delivered once). */
  readonly members: number;
  /** Read commands sent (ZRANGE). */
  readonly commands: number;
  /**
   * Members in the largest single reply: bounds how long one command holds Redis (a
   * slice read a second at a time counts as one reply, an upper bound of its commands).
   */
  readonly largestReply: number;
  /** Whether the key held another Redis type (read as empty). */
  readonly wrongType: boolean;
}

/**
 * Reads every member of `key` with score ≥ `from`, in bounded commands, without writing.
 *
 * One MULTI (a pipeline when not `atomic`) first: a `ZCOUNT` of the range and its first
 * `chunkSize` members (plus `head` and `tail`). When that was all, the read is one round
 * trip, like the original's. Otherwise a {@link SliceCursor} plans the rest and this loop
 * keeps two requests in flight (three on the bulk connection), so Redis works while the
 * client parses.
 */
export async function readScoreRange<
  H extends CommandPlan = Record<never, RedisCommand>,
  T extends CommandPlan = Record<never, RedisCommand>,
>(client: RedisClient, read: ScoreRangeRead<H, T>): Promise<ScoreRangeResult<H, T>> {
  const atomic = read.atomic ?? true;
  const head = read.head ?? ({} as H);
  const tail = read.tail ?? ({} as T);
  const cursor = new SliceCursor(read.key, read.from, read.nowS, read.chunkSize, read.to);
  const sent = planCommands(head);
  const stats = { members: 0, commands: 1, largestReply: 0 };
  const deliver = (members: ZsetWithScores): void => {
    const n = members.length / 2;
    stats.members += n;
    stats.largestReply = Math.max(stats.largestReply, n);
    read.onChunk(members);
  };
  // A long read expected on a bulk connection: its slices start at once, sized from the
  // expected count, while the first MULTI (head and the range's count) is answered.
  let connection: BulkConnection | undefined;
  let pending: { replies: Promise<CommandReply[]> } | undefined;
  let headReplies: PlanReplies<H>;
  let tailReplies: PlanReplies<T>;
  if (read.bulk !== undefined && (read.expected ?? 0) > FIRST_PAGE_WITH_BULK) {
    connection = await read.bulk.link.acquire();
  }
  if (connection !== undefined) {
    const replies = sendBatch(client, [...sent, cursor.countCommand(), ...planCommands(tail)], {
      operation: read.operation,
      transaction: atomic,
    });
    replies.catch(() => {}); // awaited after the slices; a slice's failure may come first
    pending = { replies };
    headReplies = {} as PlanReplies<H>;
    tailReplies = {} as PlanReplies<T>;
    cursor.startSlices(read.expected as number);
  } else {
    // With a bulk connection, what lies past a short first page goes over it, decoded from
    // bytes: a long read decodes little through ioredis.
    const firstLimit = read.bulk === undefined ? read.chunkSize : Math.min(read.chunkSize, FIRST_PAGE_WITH_BULK);
    const replies = await sendBatch(
      client,
      [...sent, cursor.countCommand(), cursor.pageCommand(firstLimit), ...planCommands(tail)],
      { operation: read.operation, transaction: atomic },
    );
    headReplies = planReplies(head, replies.slice(0, sent.length));
    tailReplies = planReplies(tail, replies.slice(sent.length + 2));
    const counted = replyValue(replies[sent.length], read.operation);
    const page = replyValue(replies[sent.length + 1], read.operation);
    if (counted === WRONG_TYPE || page === WRONG_TYPE) {
      return { head: headReplies, tail: tailReplies, members: 0, commands: 1, largestReply: 0, wrongType: true };
    }
    deliver(cursor.takePage(toZsetWithScores(page) ?? [], firstLimit));
    if (cursor.done) return { head: headReplies, tail: tailReplies, ...stats, wrongType: false };
    cursor.startSlices(Number(counted) - stats.members);
    connection = read.bulk === undefined ? undefined : await read.bulk.link.acquire();
  }
  const bulkConnection = connection;
  const sink = read.bulk?.sink as BulkMemberSink;
  const maxInFlight = bulkConnection === undefined ? MAX_IN_FLIGHT : BULK_IN_FLIGHT;
  const inFlight: { slice: Slice; reply: Promise<CommandReply[]>; bulk: boolean }[] = [];
  const send = (slice: Slice): void => {
    stats.commands++;
    let reply: Promise<CommandReply[]>;
    const bulk = bulkConnection !== undefined && slice.kind !== "page";
    if (bulk) {
      const fail = (error: unknown): never => {
        throw bulkFailure(read.operation, error, slice.command);
      };
      if (slice.bySecond === undefined) {
        reply = bulkConnection.send(slice.command, { pairs: sink }).then((answer) => [answer], fail);
      } else {
        const reads = slice.bySecond;
        stats.commands += reads.length - 1;
        const answers: Promise<CommandReply>[] = [];
        bulkConnection.batch(() => {
          for (const { command, second } of reads) {
            const members = { member: (b: Uint8Array, s: number, e: number) => sink.member(b, s, e, second) };
            answers.push(bulkConnection.send(command, { members }));
          }
        });
        reply = Promise.all(answers).then((parts) => [sumReplies(parts)], fail);
      }
    } else {
      // One command is atomic by itself: a MULTI around it would only cost two more. The
      // last page carries the tail commands, in one MULTI with it.
      const commands = slice.kind === "page" ? [slice.command, ...planCommands(tail)] : [slice.command];
      reply = sendBatch(client, commands, { operation: read.operation, transaction: atomic && commands.length > 1 });
    }
    // Requests are sent before earlier ones are awaited: if an earlier one fails, nobody
    // awaits this one, and its failure must not become an unhandled rejection.
    reply.catch(() => {});
    inFlight.push({ slice, reply, bulk });
  };
  // A page planned while bulk reads are out waits for them (see `bulk`).
  let parked: Slice | undefined;
  try {
    for (;;) {
      while (inFlight.length < maxInFlight) {
        const slice = parked ?? cursor.next();
        if (slice === undefined) break;
        if (bulkConnection !== undefined && slice.kind === "page" && inFlight.length > 0) {
          parked = slice;
          break;
        }
        parked = undefined;
        send(slice);
      }
      const oldest = inFlight.shift();
      if (oldest === undefined) break; // nothing left to plan, nothing in flight
      const { slice, reply, bulk } = oldest;
      const answer = await reply;
      const value = replyValue(answer[0], read.operation);
      if (bulk) {
        // Its members went to `sink` as they arrived; the cursor needs only their count.
        const count = value === WRONG_TYPE ? 0 : (value as number);
        cursor.acceptCount(slice, count);
        stats.members += count;
        stats.largestReply = Math.max(stats.largestReply, count);
        continue;
      }
      const members = value === WRONG_TYPE ? [] : (toZsetWithScores(value) ?? []);
      if (slice.kind === "page") tailReplies = planReplies(tail, answer.slice(1));
      deliver(cursor.accept(slice, members));
    }
  } finally {
    // A failure left bulk reads out: drop the connection, so nothing more reaches `pairs`
    // after this read has ended (the link opens a new one for the next read).
    if (bulkConnection !== undefined && inFlight.some((flight) => flight.bulk)) bulkConnection.close();
  }
  if (pending !== undefined) {
    const replies = await pending.replies;
    headReplies = planReplies(head, replies.slice(0, sent.length));
    if (replyValue(replies[sent.length], read.operation) === WRONG_TYPE) {
      return {
        head: headReplies,
        tail: tailReplies,
        members: 0,
        commands: stats.commands,
        largestReply: 0,
        wrongType: true,
      };
    }
  }
  return { head: headReplies, tail: tailReplies, ...stats, wrongType: false };
}

/**
 * The replies of a slice read a second at a time, as one: the first failure other than
 * WRONGTYPE, else the members delivered (a key that changed type midway delivered some).
 */
function sumReplies(parts: readonly CommandReply[]): CommandReply {
  let total = 0;
  for (const part of parts) {
    if (part.ok) total += part.value as number;
    else if (!isWrongType(part.error)) return part;
  }
  return { ok: true, value: total };
}

/** The library's error for a failed bulk read: what ioredis's path would have thrown. */
function bulkFailure(operation: string, error: unknown, command: RedisCommand): PoolStatsError {
  if (error instanceof BulkConnectionError && error.tooLarge) {
    return new CommandFailedError(
      operation,
      { command: command.map(String), partial: false, reason: error.message },
      { cause: error },
    );
  }
  return failureError(operation, error);
}

/** Requests in flight at once: Redis serializes the next while the client parses one. */
const MAX_IN_FLIGHT = 2;
/**
 * On the bulk connection: its replies are decoded as they arrive, so a third request
 * keeps Redis busy while the client decodes one and the socket carries another.
 */
const BULK_IN_FLIGHT = 3;

/** One planned read of a {@link SliceCursor}. */
export interface Slice {
  /**
   * - `slice`: scores `[a, b)` below now, one atomic `ZRANGE … BYSCORE` without `LIMIT`;
   * - `score`: one single score whose members outnumber a chunk, read whole;
   * - `page`: `chunkSize` members from a bound beyond now (`LIMIT 0 n`), cut at its last score.
   */
  readonly kind: "slice" | "score" | "page";
  readonly command: RedisCommand;
  /** The width of a `slice` in seconds (0 for the others). */
  readonly width: number;
  /**
   * The same members as `command` read without `WITHSCORES`, one read per integer second
   * (`[k, k+1)`: every score in it truncates to `k`) or of the one score: present for a
   * `score`, and for a `slice` in `[0, 2^53)` dense enough that a read per second costs
   * Redis less than formatting each member's score (about half of its work per member).
   */
  readonly bySecond?: readonly SecondRead[];
  /**
   * A one-second `slice` denser than a chunk, read in `LIMIT` pages of `chunkSize` (its
   * `bySecond` reads): where they start and how many there are, so a second that fills
   * every page is read on.
   */
  readonly paged?: PagedSecond;
}

/** The pages of one dense second (see {@link Slice.paged}). */
interface PagedSecond {
  /** The second's lower bound as sent (`k`, or the range's exclusive start). */
  readonly from: string;
  readonly second: number;
  /** The offset of the first page. */
  readonly offset: number;
  readonly pages: number;
}

/** A read of members whose integer score (the original's `int64(score)`) is known. */
export interface SecondRead {
  readonly command: RedisCommand;
  readonly second: number;
}

/**
 * A slice is read a second at a time when it spans at most `chunkSize / this` seconds,
 * i.e. about this many members per read or more: below that, the per-command cost
 * outweighs the saved score formatting.
 */
const MEMBERS_PER_SECOND_READ = 100;

/**
 * Plans a bounded walk over a score range, one read at a time, with no I/O: what
 * {@link readScoreRange} sends next, and what of each reply to deliver.
 *
 * Below now the range is read in score slices `[a, b)`, each sized from the remaining
 * count to hold about `chunkSize` members; a slice has no offset that concurrent writes
 * could shift, and no member straddles two slices. Slices narrow where shares are denser
 * than average (bursts) and never widen past the average width (a gap in the data would
 * otherwise widen them into a burst). Beyond now (future scores, `+inf`) the walk goes on
 * in pages of `chunkSize`, each cut at its last score; since a page's end decides what
 * comes next, nothing is planned while a page is out. Only a single score held by more
 * than `chunkSize` members is read in one larger command.
 */
export class SliceCursor {
  /** Where the next read starts, and whether that bound is exclusive ("(score"). */
  private lower: { score: number; exclusive: boolean };
  /** A single score to read whole before going on. */
  private pending: number | undefined;
  private pageOut = false;
  private averageWidth = 1;
  private width = 1;
  /** Members per second, as the latest replies show (for paging a dense second). */
  private density = 0;
  /** A dense second whose pages all came back full: read on from this offset. */
  private overflow: Omit<PagedSecond, "pages"> | undefined;
  private readonly end: number;
  /** The range's upper bound as Redis reads it: `+inf`, or `(to`. */
  private readonly upper: string;
  /** Whether the slices reach the range's end (a bounded range with its end at or before now). */
  private readonly slicesOnly: boolean;
  /** Whether the whole range has been delivered (a short page); see {@link next} for planning. */
  done = false;

  /**
   * @param to - the range's exclusive upper score; by default the range runs to `+inf`
   */
  constructor(
    private readonly key: string,
    from: number,
    nowS: number,
    private readonly chunkSize: number,
    to = Number.POSITIVE_INFINITY,
  ) {
    this.lower = { score: from, exclusive: false };
    // Slices up to now (or the range's end, if sooner); pages beyond.
    this.slicesOnly = to <= nowS + 1;
    this.end = Math.min(nowS + 1, to);
    this.upper = to === Number.POSITIVE_INFINITY ? "+inf" : `(${formatScoreBound(to)}`;
  }

  /** `ZCOUNT` of the whole range, sent with the first page. */
  countCommand(): RedisCommand {
    return ["zcount", this.key, this.boundText(), this.upper];
  }

  /** The page command from the current lower bound. */
  pageCommand(limit = this.chunkSize): RedisCommand {
    return ["zrange", this.key, this.boundText(), this.upper, "BYSCORE", "LIMIT", 0, limit, "WITHSCORES"];
  }

  /** Sets the slice width from what remains to read after the first page. */
  startSlices(remaining: number): void {
    const span = Math.max(1, this.end - this.lower.score);
    this.averageWidth = Math.max(1, Math.floor((span * this.chunkSize) / Math.max(1, remaining)));
    this.width = this.averageWidth;
    this.density = remaining / span;
  }

  /**
   * The next read to send, or `undefined` when nothing is left to plan or while the
   * answer of one already sent decides it.
   */
  next(): Slice | undefined {
    // A dense second not yet read to its end comes first, even after the last page.
    if (this.overflow !== undefined) {
      const { from, second, offset } = this.overflow;
      this.overflow = undefined;
      return this.pagedSecond(from, second, offset);
    }
    if (this.done || this.pageOut) return undefined;
    if (this.pending !== undefined) {
      const pending = this.pending;
      const score = formatScoreBound(pending);
      this.pending = undefined;
      const second = parseScore(pending);
      return {
        kind: "score",
        command: ["zrange", this.key, score, score, "BYSCORE", "WITHSCORES"],
        width: 0,
        ...(second === undefined
          ? {}
          : { bySecond: [{ command: ["zrange", this.key, score, score, "BYSCORE"], second }] }),
      };
    }
    if (Number.isFinite(this.lower.score) && this.lower.score < this.end) {
      const upper = Math.min(this.end, Math.floor(this.lower.score) + this.width);
      const lowerText = this.boundText();
      const command: RedisCommand = ["zrange", this.key, lowerText, `(${upper}`, "BYSCORE", "WITHSCORES"];
      const first = Math.floor(this.lower.score);
      const width = upper - this.lower.score;
      this.lower = { score: upper, exclusive: false };
      const slice: Slice = { kind: "slice", command, width };
      if (first < 0 || upper > Number.MAX_SAFE_INTEGER || (upper - first) * MEMBERS_PER_SECOND_READ > this.chunkSize) {
        return slice;
      }
      // One second holding more than a chunk: pages of a chunk each, so no command is long.
      if (upper - first === 1 && this.density > this.chunkSize) return this.pagedSecond(lowerText, first, 0);
      const bySecond: SecondRead[] = [];
      for (let k = first; k < upper; k++) {
        const from = k === first ? lowerText : String(k);
        bySecond.push({ command: ["zrange", this.key, from, `(${k + 1}`, "BYSCORE"], second: k });
      }
      return { ...slice, bySecond };
    }
    if (this.slicesOnly) {
      this.done = true; // every slice is planned; their replies are all that is left
      return undefined;
    }
    this.pageOut = true;
    return { kind: "page", command: this.pageCommand(), width: 0 };
  }

  /** Takes the reply of `slice`; returns the members to deliver. */
  accept(slice: Slice, members: ZsetWithScores): ZsetWithScores {
    if (slice.kind === "page") {
      this.pageOut = false;
      return this.takePage(members);
    }
    this.acceptCount(slice, members.length / 2);
    return members;
  }

  /**
   * Takes the reply of a `slice` or `score` read by its member count alone (the members
   * went elsewhere, e.g. decoded from bytes); a `page` needs its members ({@link SliceCursor.accept}).
   */
  acceptCount(slice: Slice, count: number): void {
    if (slice.paged !== undefined) {
      const { from, second, offset, pages } = slice.paged;
      const full = count >= pages * this.chunkSize;
      // Every page full: the second may hold more. Read on (LIMIT skips what was read),
      // expecting as much again.
      if (full) this.overflow = { from, second, offset: offset + pages * this.chunkSize };
      if (offset === 0) this.density = full ? count * 2 : count;
      return;
    }
    if (slice.kind === "slice" && slice.width > 0) this.density = count / slice.width;
    if (slice.kind === "slice") {
      // Narrow the width where shares are denser than average, rounding down.
      const fit = Math.floor((slice.width * this.chunkSize) / Math.max(count, 1));
      this.width = Math.max(1, Math.min(fit, this.averageWidth));
    }
  }

  /**
   * Takes a page (read with `LIMIT 0 limit`): what lies below its last score is delivered;
   * a short page ends the walk.
   */
  takePage(members: ZsetWithScores, limit = this.chunkSize): ZsetWithScores {
    if (members.length / 2 < limit) {
      this.done = true;
      return members;
    }
    const boundary = redisScore(members[members.length - 1] ?? 0);
    let kept = members.length;
    while (kept > 0 && redisScore(members[kept - 1] ?? 0) >= boundary) kept -= 2;
    if (kept === 0) {
      // One score fills the page: read that score whole, then go on after it.
      this.pending = boundary;
      this.lower = { score: boundary, exclusive: true };
    } else {
      this.lower = { score: boundary, exclusive: false };
    }
    return members.slice(0, kept);
  }

  /**
   * One dense second read in `LIMIT` pages from `offset`: as many pages as the latest
   * density says it holds (a second that fills them all is read on, see `acceptCount`).
   * Redis walks an offset element by element, so pages past the first cost it a little more
   * each; they keep every command to a chunk.
   */
  private pagedSecond(from: string, second: number, offset: number): Slice {
    const pages = Math.max(1, Math.ceil((this.density - offset) / this.chunkSize));
    const range = (start: number, count: number): RedisCommand => [
      "zrange",
      this.key,
      from,
      `(${second + 1}`,
      "BYSCORE",
      "LIMIT",
      start,
      count,
    ];
    const bySecond: SecondRead[] = [];
    for (let page = 0; page < pages; page++) {
      bySecond.push({ command: range(offset + page * this.chunkSize, this.chunkSize), second });
    }
    // Through ioredis (no bulk connection) the same members in one command, with scores.
    const command: RedisCommand = [...range(offset, pages * this.chunkSize), "WITHSCORES"];
    return { kind: "slice", command, width: 1, bySecond, paged: { from, second, offset, pages } };
  }

  private boundText(): string {
    return (this.lower.exclusive ? "(" : "") + formatScoreBound(this.lower.score);
  }
}

const WRONG_TYPE = Symbol("wrong-type");

/** The first page's members when the rest can go over a bulk connection. */
const FIRST_PAGE_WITH_BULK = 512;

function replyValue(reply: CommandReply | undefined, operation: string): unknown {
  if (reply === undefined) throw failureError(operation, new Error("missing reply"));
  if (reply.ok) return reply.value;
  if (isWrongType(reply.error)) return WRONG_TYPE;
  throw failureError(operation, reply.error);
}
