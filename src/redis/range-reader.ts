import { toZsetWithScores, type ZsetWithScores } from "../convert/reply-shapes.js";
import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { formatScoreBound, redisScore } from "../go/score.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { commandError, isWrongType, runMulti, runPipeline } from "./exec.js";

/** How a score range is read. @internal */
export interface ScoreRangeRead {
  /** The sorted set. */
  readonly key: string;
  /** Lowest score to read (inclusive); the range runs to +inf. */
  readonly from: number;
  /** Now, in Unix seconds: where the slices stop and the open-ended last one starts. */
  readonly nowS: number;
  /** Target members per command; each command reads about this many. */
  readonly chunkSize: number;
  /** Commands sent in the same MULTI as the first read (e.g. the rest of a snapshot). */
  readonly firstCommands?: readonly RedisCommand[];
  /** Commands sent in the same MULTI as the last read (e.g. a verification ZCOUNT). */
  readonly lastCommands?: readonly RedisCommand[];
  /** Receives each chunk of `member, score` pairs, in ascending score order. */
  readonly onChunk: (chunk: ZsetWithScores) => void;
  /** The operation name for errors. */
  readonly operation: string;
  /**
   * Each round trip one MULTI (an atomic snapshot), or a plain pipeline that ioredis's
   * `scaleReads` can send to a replica. @defaultValue true
   */
  readonly atomic?: boolean;
}

/** What a range read did. @internal */
export interface ScoreRangeResult {
  /** Replies of `firstCommands`, in order. */
  readonly firstReplies: readonly CommandReply[];
  /** Replies of `lastCommands`, in order (sent with the last read). */
  readonly lastReplies: readonly CommandReply[];
  /** Members read (chunks may overlap at a boundary score; each member is delivered once). */
  readonly members: number;
  /** Read commands sent (ZRANGE). */
  readonly commands: number;
  /** Members in the largest single reply: bounds how long one command holds Redis. */
  readonly largestReply: number;
  /** Whether the key held another Redis type (read as empty). */
  readonly wrongType: boolean;
}

/**
 * Reads every member of `key` with score ≥ `from`, in bounded commands, without writing.
 *
 * One MULTI (a pipeline when not `atomic`) first: a `ZCOUNT` of the range and its first
 * `chunkSize` members (plus `firstCommands` and `lastCommands`). When that was all, the
 * read is one round trip, like the original's. Otherwise the rest up to now is read in
 * score slices `[a, b)`, each sized from the count to hold about `chunkSize` members: a
 * slice is one atomic `ZRANGE … BYSCORE` without `LIMIT`, so no offset can shift under
 * concurrent writes and no member straddles two slices; two are in flight at a time so
 * Redis works while the client parses. Beyond now (future scores, `+inf`) the read goes
 * on in pages of `chunkSize` (`LIMIT 0 n`), each cut at its last score. Redis serves
 * other clients between commands, so none blocks it for long (about 1 µs a member). Only
 * a single score held by more than `chunkSize` members is read in one larger command.
 * @internal
 */
export async function readScoreRange(client: RedisClient, read: ScoreRangeRead): Promise<ScoreRangeResult> {
  const atomic = read.atomic ?? true;
  const first = read.firstCommands ?? [];
  const last = read.lastCommands ?? [];
  const from = formatScoreBound(read.from);
  const head = await runMulti(
    client,
    [...first, ["zcount", read.key, from, "+inf"], pageCommand(read, from), ...last],
    read.operation,
    atomic,
  );
  const firstReplies = head.slice(0, first.length);
  const counted = value(head[first.length], read.operation);
  const page = value(head[first.length + 1], read.operation);
  let lastReplies: readonly CommandReply[] = head.slice(first.length + 2);
  if (counted === WRONG_TYPE || page === WRONG_TYPE) {
    return { firstReplies, lastReplies, members: 0, commands: 1, largestReply: 0, wrongType: true };
  }
  const stats = { members: 0, commands: 1, largest: 0 };
  const deliver = (members: ZsetWithScores): void => {
    const n = members.length / 2;
    stats.members += n;
    stats.largest = Math.max(stats.largest, n);
    read.onChunk(members);
  };

  // Where the next read starts, and whether that bound is exclusive ("(score").
  let lower = { score: read.from, exclusive: false };
  let pending: Bound | undefined; // a single score to read whole before going on
  let done = false;
  const end = read.nowS + 1; // slices up to now; pages beyond
  let width = 1;

  /** Takes a full page: delivers what lies below its last score, and returns where to go on. */
  const consumePage = (members: ZsetWithScores): void => {
    if (members.length / 2 < read.chunkSize) {
      deliver(members);
      done = true;
      return;
    }
    const boundary = redisScore(members[members.length - 1] ?? 0);
    let kept = members.length;
    while (kept > 0 && redisScore(members[kept - 1] ?? 0) >= boundary) kept -= 2;
    deliver(members.slice(0, kept));
    if (kept === 0) {
      // One score fills the page: read that score whole, then go on after it.
      pending = { score: boundary, exclusive: false };
      lower = { score: boundary, exclusive: true };
    } else {
      lower = { score: boundary, exclusive: false };
    }
  };

  const headMembers = toZsetWithScores(page) ?? [];
  consumePage(headMembers);
  if (done) return { firstReplies, lastReplies, ...result(stats), wrongType: false };
  // The width that holds a chunk at the range's average density: slices start there and
  // never grow past it (a gap in the data would otherwise widen them into a burst).
  const remaining = Math.max(1, Number(counted) - stats.members);
  const averageWidth = Math.max(1, Math.floor((Math.max(1, end - lower.score) * read.chunkSize) / remaining));
  width = averageWidth;

  type Sent = { kind: "slice" | "score" | "page"; reply: Promise<readonly CommandReply[]>; width: number };
  const inFlight: Sent[] = [];
  const send = (kind: Sent["kind"], commands: readonly RedisCommand[], sliceWidth = 0): void => {
    stats.commands++;
    // One command is atomic by itself: a MULTI around it would only cost two more.
    const reply =
      commands.length === 1
        ? runPipeline(client, commands, read.operation)
        : runMulti(client, commands, read.operation, atomic);
    // Requests are sent before earlier ones are awaited: if an earlier one fails, nobody
    // awaits this one, and its failure must not become an unhandled rejection.
    reply.catch(() => {});
    inFlight.push({ kind, reply, width: sliceWidth });
  };
  const sendNext = (): boolean => {
    if (pending !== undefined) {
      const score = formatScoreBound(pending.score);
      send("score", [["zrange", read.key, score, score, "BYSCORE", "WITHSCORES"]]);
      pending = undefined;
      return true;
    }
    if (Number.isFinite(lower.score) && lower.score < end) {
      const upper = Math.min(end, Math.floor(lower.score) + width);
      send(
        "slice",
        [["zrange", read.key, boundText(lower), `(${upper}`, "BYSCORE", "WITHSCORES"]],
        upper - lower.score,
      );
      lower = { score: upper, exclusive: false };
      return true;
    }
    // Beyond now: a page, whose end decides what comes next, so nothing is sent after it.
    send("page", [pageCommand(read, boundText(lower)), ...last]);
    return false;
  };

  let open = true; // whether another request may be sent before the next reply
  while (!done) {
    while (open && inFlight.length < 2) open = sendNext();
    const sent = inFlight.shift() as Sent;
    const replies = await sent.reply;
    const reply = value(replies[0], read.operation);
    const members = reply === WRONG_TYPE ? [] : (toZsetWithScores(reply) ?? []);
    if (sent.kind === "page") {
      lastReplies = replies.slice(1);
      consumePage(members);
      open = true;
    } else {
      deliver(members);
      if (sent.kind === "slice") {
        // Narrow the width where shares are denser than average (bursts), rounding down;
        // never widen past the average width.
        const got = members.length / 2;
        const fit = Math.floor((sent.width * read.chunkSize) / Math.max(got, 1));
        width = Math.max(1, Math.min(fit, averageWidth));
      }
    }
  }
  return { firstReplies, lastReplies, ...result(stats), wrongType: false };
}

interface Bound {
  readonly score: number;
  readonly exclusive: boolean;
}

function pageCommand(read: ScoreRangeRead, min: string): RedisCommand {
  return ["zrange", read.key, min, "+inf", "BYSCORE", "LIMIT", 0, read.chunkSize, "WITHSCORES"];
}

function boundText(bound: Bound): string {
  return (bound.exclusive ? "(" : "") + formatScoreBound(bound.score);
}

function result(stats: { members: number; commands: number; largest: number }) {
  return { members: stats.members, commands: stats.commands, largestReply: stats.largest };
}

const WRONG_TYPE = Symbol("wrong-type");

function value(reply: CommandReply | undefined, operation: string): unknown {
  if (reply === undefined) throw new BackendUnavailableError(operation, new Error("missing reply"));
  if (reply.ok) return reply.value;
  if (isWrongType(reply.error)) return WRONG_TYPE;
  throw commandError(operation, reply.error);
}
