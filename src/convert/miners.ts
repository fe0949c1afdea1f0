import type { MalformedSink } from "../model/malformed.js";
import type { MinerHashrate, MinersHashrate } from "../model/rows.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { aggregateShares, isOffline, rate, type ShareAggregate } from "./shares.js";
import { shareUncertainty, UncertaintySum } from "./uncertainty.js";

/**
 * Turns per-login share aggregates into miners: `hr = sum / min(max(now − startedAt, 600), window)`,
 * `offline = lastBeat < now − window/2`, and each `hr`'s uncertainty from its share count
 * (the pool's from their sum). Pure and cheap (one pass over the logins), so a collector
 * that keeps aggregates itself can call it every cycle.
 */
export function finalizeMiners(
  aggregates: ReadonlyMap<string, ShareAggregate>,
  nowS: number,
  windowS: number,
): MinersHashrate {
  const miners = new Map<string, MinerHashrate>();
  const pool = new UncertaintySum();
  let hashrate = 0n;
  for (const [login, aggregate] of aggregates) {
    const hr = rate(aggregate.sum, nowS, aggregate.startedAt, windowS);
    const hrUncertainty = shareUncertainty(hr, aggregate.shares);
    hashrate += hr;
    pool.add(hr, hrUncertainty);
    miners.set(login, {
      lastBeat: aggregate.lastBeat,
      hr,
      offline: isOffline(aggregate.lastBeat, nowS, windowS),
      startedAt: aggregate.startedAt,
      hrUncertainty,
    });
  }
  return { hashrate, hashrateUncertainty: pool.of(hashrate), miners };
}

/**
 * The original's `convertMinersStats(window, ZRANGE P:hashrate)`: members
 * `diff:login:worker:ms` grouped by login, every share in the reply counted.
 *
 * @param reply - the `P:hashrate` shares of the window, ascending by score
 * @param nowS - Unix seconds of the collection
 * @param windowS - the hashrate window in seconds (> 0)
 */
export function convertMinersStats(
  reply: ZsetWithScores,
  nowS: number,
  windowS: number,
  onMalformed?: MalformedSink,
): MinersHashrate {
  return finalizeMiners(aggregateShares(reply, Number.NEGATIVE_INFINITY, onMalformed), nowS, windowS);
}
