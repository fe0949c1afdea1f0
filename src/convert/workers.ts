import type { MalformedSink } from "./malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { aggregateShares, isOffline, rate, type ShareAggregate } from "./shares.js";

/** A worker of an account (`/api/accounts/…` `workers`): the original's `Worker`. */
export interface WorkerHashrate {
  /** Unix seconds of the worker's last share (0 if none had a positive score). */
  readonly lastBeat: number;
  /** Hashrate over the small window (H/s). */
  readonly hr: bigint;
  /** No share for half the small window. */
  readonly offline: boolean;
  /** Hashrate over the large window (H/s). */
  readonly hr2: bigint;
  /** Unix seconds of the first share in the large window (not part of the original JSON). */
  readonly startedAt: number;
}

/** An account's workers, as the original's `CollectWorkersStats` returns them. */
export interface WorkersHashrate {
  /** Workers by id, in first-seen order. */
  readonly workers: ReadonlyMap<string, WorkerHashrate>;
  readonly workersTotal: number;
  readonly workersOnline: number;
  readonly workersOffline: number;
  /** Σ `hr` (small window), the account's "Hashrate (30m)". */
  readonly currentHashrate: bigint;
  /** Σ `hr2` (large window), the account's "Hashrate (3h)". */
  readonly hashrate: bigint;
}

/**
 * Turns per-worker aggregates (with `recentSum` over the small window) into workers and totals.
 */
export function finalizeWorkers(
  aggregates: ReadonlyMap<string, ShareAggregate>,
  nowS: number,
  smallWindowS: number,
  largeWindowS: number,
): WorkersHashrate {
  const workers = new Map<string, WorkerHashrate>();
  let currentHashrate = 0n;
  let hashrate = 0n;
  let online = 0;
  for (const [id, aggregate] of aggregates) {
    const hr = rate(aggregate.recentSum, nowS, aggregate.startedAt, smallWindowS);
    const hr2 = rate(aggregate.sum, nowS, aggregate.startedAt, largeWindowS);
    const offline = isOffline(aggregate.lastBeat, nowS, smallWindowS);
    if (!offline) online++;
    currentHashrate += hr;
    hashrate += hr2;
    workers.set(id, { lastBeat: aggregate.lastBeat, hr, offline, hr2, startedAt: aggregate.startedAt });
  }
  return {
    workers,
    workersTotal: workers.size,
    workersOnline: online,
    workersOffline: workers.size - online,
    currentHashrate,
    hashrate,
  };
}

/**
 * The original's `convertWorkersStats` plus the per-worker division of `CollectWorkersStats`:
 * members `diff:worker:ms` of `P:hashrate:<login>` grouped by worker; shares with
 * score ≥ `now − small` count in `hr`, every share in the reply in `hr2`.
 *
 * @param reply - the account's shares in the large window, ascending by score
 */
export function convertWorkersStats(
  reply: ZsetWithScores,
  nowS: number,
  smallWindowS: number,
  largeWindowS: number,
  onMalformed?: MalformedSink,
): WorkersHashrate {
  return finalizeWorkers(aggregateShares(reply, nowS - smallWindowS, onMalformed), nowS, smallWindowS, largeWindowS);
}
