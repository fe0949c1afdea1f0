import { toZsetWithScores, type ZsetWithScores } from "../convert/reply-shapes.js";
import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { commandError, isWrongType, runMulti } from "./command-runner.js";
import type { CommandReply, RedisClient, RedisCommand } from "./redis-client.js";

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
 * `chunkSize` members (plus `firstCommands`). When that was all, the read is one round trip, like the original's.
 * Otherwise the rest is read in score slices `[a, b)`, each sized from the count to hold
 * about `chunkSize` members. A slice is one atomic `ZRANGE … BYSCORE` without `LIMIT`, so
 * no offset can shift under concurrent writes, and no member straddles two slices; two
 * slices are in flight at a time so Redis works while the client parses. Redis serves
 * other clients between slices, so no single command blocks it for long (about 1 µs a
 * member). A second with more than `chunkSize` members is still read whole.
 * @internal
 */
export async function readScoreRange(client: RedisClient, read: ScoreRangeRead): Promise<ScoreRangeResult> {
  const atomic = read.atomic ?? true;
  const first = read.firstCommands ?? [];
  const last = read.lastCommands ?? [];
  const from = formatScore(read.from);
  const head = await runMulti(
    client,
    [
      ...first,
      ["zcount", read.key, from, "+inf"],
      ["zrange", read.key, from, "+inf", "BYSCORE", "LIMIT", 0, read.chunkSize, "WITHSCORES"],
      ...last,
    ],
    read.operation,
    atomic,
  );
  const firstReplies = head.slice(0, first.length);
  const counted = value(head[first.length], read.operation);
  const page = value(head[first.length + 1], read.operation);
  if (counted === WRONG_TYPE || page === WRONG_TYPE) {
    return {
      firstReplies,
      lastReplies: head.slice(first.length + 2),
      members: 0,
      commands: 1,
      largestReply: 0,
      wrongType: true,
    };
  }
  const members = toZsetWithScores(page) ?? [];
  let total = members.length / 2;
  let largest = total;
  if (total < read.chunkSize) {
    read.onChunk(members);
    return {
      firstReplies,
      lastReplies: head.slice(first.length + 2),
      members: total,
      commands: 1,
      largestReply: largest,
      wrongType: false,
    };
  }
  // The page ended inside the range: keep what lies strictly below its last score, and
  // read from that score on in slices (the members at that score are read again, whole).
  const boundary = rawScore(members[members.length - 1]);
  let kept = members.length;
  while (kept > 0 && rawScore(members[kept - 1]) >= boundary) kept -= 2;
  read.onChunk(members.slice(0, kept));
  total = kept / 2;
  let remaining = Math.max(1, Number(counted) - total);
  // Slices up to now; one open-ended slice takes whatever lies beyond (future scores, +inf).
  const end = read.nowS + 1;
  const span = Number.isFinite(boundary) ? Math.max(1, end - boundary) : 1;
  let width = Math.max(1, Math.ceil((span * read.chunkSize) / remaining));
  let commands = 1;
  let lastReplies: readonly CommandReply[] = [];

  let lower = boundary;
  const sendSlice = (): Promise<{ members: ZsetWithScores; tail: readonly CommandReply[] }> => {
    const a = lower;
    const isLast = !Number.isFinite(a) || a + width >= end;
    const b = isLast ? Number.POSITIVE_INFINITY : Math.floor(a) + width;
    lower = b;
    commands++;
    const range: RedisCommand = isLast
      ? ["zrange", read.key, formatScore(a), "+inf", "BYSCORE", "WITHSCORES"]
      : ["zrange", read.key, formatScore(a), `(${b}`, "BYSCORE", "WITHSCORES"];
    const sent = runMulti(client, isLast ? [range, ...last] : [range], read.operation, atomic).then((replies) => {
      const reply = value(replies[0], read.operation);
      return { members: reply === WRONG_TYPE ? [] : (toZsetWithScores(reply) ?? []), tail: replies.slice(1) };
    });
    // The next slice is sent before the current one is awaited: if the current one fails,
    // nobody awaits the next, and its failure must not become an unhandled rejection.
    sent.catch(() => {});
    return sent;
  };

  let inFlight = sendSlice();
  for (;;) {
    const next = lower === Number.POSITIVE_INFINITY ? undefined : sendSlice();
    const slice = await inFlight;
    const got = slice.members.length / 2;
    read.onChunk(slice.members);
    total += got;
    largest = Math.max(largest, got);
    remaining = Math.max(1, remaining - got);
    // Adapt the width to the density actually met (shares are not uniform in time).
    width = Math.max(1, Math.round((width * read.chunkSize) / Math.max(got, 1)));
    if (next === undefined) {
      lastReplies = slice.tail;
      break;
    }
    inFlight = next;
  }
  return { firstReplies, lastReplies, members: total, commands, largestReply: largest, wrongType: false };
}

const WRONG_TYPE = Symbol("wrong-type");

function value(reply: CommandReply | undefined, operation: string): unknown {
  if (reply === undefined) throw new BackendUnavailableError(operation, new Error("missing reply"));
  if (reply.ok) return reply.value;
  if (isWrongType(reply.error)) return WRONG_TYPE;
  throw commandError(operation, reply.error);
}

/** A score as Redis holds it (not truncated): `"inf"` and `"-inf"` included. */
function rawScore(raw: string | number | undefined): number {
  if (typeof raw === "number") return raw;
  const text = (raw ?? "0").toLowerCase();
  if (text === "inf" || text === "+inf") return Number.POSITIVE_INFINITY;
  if (text === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** A score bound for ZRANGE BYSCORE (`+inf`, not JS's `Infinity`). */
function formatScore(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return "+inf";
  if (score === Number.NEGATIVE_INFINITY) return "-inf";
  return String(score);
}
