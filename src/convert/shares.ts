import { parseGoInt } from "../go/int.js";
import { parseScore } from "../go/score.js";
import type { MalformedSink } from "../model/malformed.js";
import { ignoreMalformed } from "./malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { shareDiffEnd, shareId } from "./share-member.js";

/**
 * What the hashrate converters accumulate per miner (or per worker) before dividing:
 * the share-difficulty sums and the first and last share times.
 *
 * Kept apart from the division so that a collector can maintain aggregates incrementally
 * and still produce the original's numbers.
 */
export interface ShareAggregate {
  /** Σ share difficulty of every share read (the pool window, or the account's large window). */
  sum: bigint;
  /** Σ share difficulty of shares with score ≥ `now − smallWindow` (workers only; equals `sum` for miners). */
  recentSum: bigint;
  /** How many shares are in `sum`: what the hashrate's uncertainty is computed from. */
  shares: number;
  /** How many shares are in `recentSum`. */
  recentShares: number;
  /** max(0, scores): the original starts it at 0. */
  lastBeat: number;
  /** The original's `startedAt`: the first score in ascending order, where a 0 counts as unset. */
  startedAt: number;
}

/** A new, empty aggregate. */
export function emptyAggregate(): ShareAggregate {
  return { sum: 0n, recentSum: 0n, shares: 0, recentShares: 0, lastBeat: 0, startedAt: 0 };
}

/**
 * Adds one share to an aggregate, with the original's update rules. Scores must arrive in
 * ascending order for `startedAt` to match (Redis ZRANGE order); see {@link startedAtOf}
 * for an order-free equivalent.
 */
export function addShare(aggregate: ShareAggregate, diff: bigint, score: number, recent: boolean): void {
  aggregate.sum += diff;
  aggregate.shares++;
  if (recent) {
    aggregate.recentSum += diff;
    aggregate.recentShares++;
  }
  if (aggregate.lastBeat < score) aggregate.lastBeat = score;
  if (aggregate.startedAt > score || aggregate.startedAt === 0) aggregate.startedAt = score;
}

/**
 * The original's `startedAt` from the smallest score and the smallest positive score of a
 * set of shares, in any order: Go's loop over ascending scores treats 0 as "unset", so a
 * minimum of exactly 0 is skipped for the next (positive) score.
 */
export function startedAtOf(minScore: number, minPositiveScore: number | undefined): number {
  return minScore === 0 ? (minPositiveScore ?? 0) : minScore;
}

/** One share member split into the fields the hashrate converters use. @internal */
export interface ParsedShare {
  readonly diff: bigint;
  /** The grouping key: the login (pool ZSET) or the worker id (per-login ZSET). */
  readonly id: string;
  readonly score: number;
}

/**
 * Parses a share member `diff:id:…` (`diff:login:worker:ms` or `diff:worker:ms`) and its
 * score. The original reads field 0 and field 1 only, so two fields suffice.
 * @internal
 */
export function parseShare(
  member: string,
  rawScore: string | number,
  onMalformed: MalformedSink,
): ParsedShare | undefined {
  const score = parseScore(rawScore);
  if (score === undefined) {
    onMalformed(member, "bad-score");
    return undefined;
  }
  const cut = shareDiffEnd(member);
  if (cut < 0) {
    onMalformed(member, "too-few-fields");
    return undefined;
  }
  const diff = parseGoInt(member.slice(0, cut));
  if (diff === undefined) {
    onMalformed(member, "not-an-integer");
    return undefined;
  }
  return { diff, id: shareId(member, cut), score };
}

/**
 * Groups a hashrate WITHSCORES reply by field 1 (login or worker id), in reply order.
 *
 * @param recentFrom - shares with score ≥ this also count in `recentSum`
 *   (pass `-Infinity` to count every share)
 * @param groups - aggregates to add to (to fold a reply read in chunks, in score order)
 */
export function aggregateShares(
  reply: ZsetWithScores,
  recentFrom: number,
  onMalformed: MalformedSink = ignoreMalformed,
  groups: Map<string, ShareAggregate> = new Map(),
): Map<string, ShareAggregate> {
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const share = parseShare(String(reply[i]), reply[i + 1] as string | number, onMalformed);
    if (share === undefined) continue;
    let aggregate = groups.get(share.id);
    if (aggregate === undefined) {
      aggregate = emptyAggregate();
      groups.set(share.id, aggregate);
    }
    addShare(aggregate, share.diff, share.score, share.score >= recentFrom);
  }
  return groups;
}

/** The 600-second floor under `now − startedAt`: new miners are under-estimated on purpose. */
export const MIN_TIME_ONLINE_S = 600;

/**
 * The original's rate: `sum / min(max(now − startedAt, 600), window)`, integer division
 * truncating toward zero.
 * @internal
 */
export function rate(sum: bigint, nowS: number, startedAt: number, windowS: number): bigint {
  const timeOnline = Math.max(nowS - startedAt, MIN_TIME_ONLINE_S);
  return sum / BigInt(Math.min(timeOnline, windowS));
}

/**
 * The original's offline rule: last share before `now − window/2` (integer halving).
 * @internal
 */
export function isOffline(lastBeat: number, nowS: number, windowS: number): boolean {
  return lastBeat < nowS - Math.trunc(windowS / 2);
}
