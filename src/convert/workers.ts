import type { MalformedSink } from "../model/malformed.js";
import type { WorkerHashrate, WorkersHashrate } from "../model/rows.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { aggregateShares, isOffline, rate, type ShareAggregate } from "./shares.js";

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
