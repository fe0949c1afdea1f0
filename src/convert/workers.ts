import type { MalformedSink } from "../model/malformed.js";
import type { WorkerHashrate, WorkersHashrate } from "../model/rows.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { aggregateShares, isOffline, rate, type ShareAggregate } from "./shares.js";
import { shareUncertainty, UncertaintySum } from "./uncertainty.js";

/**
 * Turns per-worker aggregates (with `recentSum` over the small window) into workers and
 * totals, each hashrate with its uncertainty (`hr` from the small window's share count,
 * `hr2` from the large window's; the totals add the workers' variances).
 */
export function finalizeWorkers(
  aggregates: ReadonlyMap<string, ShareAggregate>,
  nowS: number,
  smallWindowS: number,
  largeWindowS: number,
): WorkersHashrate {
  const workers = new Map<string, WorkerHashrate>();
  const current = new UncertaintySum();
  const long = new UncertaintySum();
  let currentHashrate = 0n;
  let hashrate = 0n;
  let online = 0;
  for (const [id, aggregate] of aggregates) {
    const hr = rate(aggregate.recentSum, nowS, aggregate.startedAt, smallWindowS);
    const hr2 = rate(aggregate.sum, nowS, aggregate.startedAt, largeWindowS);
    const offline = isOffline(aggregate.lastBeat, nowS, smallWindowS);
    const hrUncertainty = shareUncertainty(hr, aggregate.recentShares);
    const hr2Uncertainty = shareUncertainty(hr2, aggregate.shares);
    if (!offline) online++;
    currentHashrate += hr;
    hashrate += hr2;
    current.add(hr, hrUncertainty);
    long.add(hr2, hr2Uncertainty);
    workers.set(id, {
      lastBeat: aggregate.lastBeat,
      hr,
      offline,
      hr2,
      startedAt: aggregate.startedAt,
      hrUncertainty,
      hr2Uncertainty,
    });
  }
  return {
    workers,
    workersTotal: workers.size,
    workersOnline: online,
    workersOffline: workers.size - online,
    currentHashrate,
    currentHashrateUncertainty: current.of(currentHashrate),
    hashrate,
    hashrateUncertainty: long.of(hashrate),
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
