import type { GoJsonStruct, GoJsonValue } from "../go/json.js";
import type { ChartAverages, MinerChartPoint, PoolChartPoint } from "../model/charts.js";
import type { HashrateUncertainty } from "../model/rows.js";

/**
 * Mappers of the fields open-pool-stats adds to the original's bodies, each under an
 * opt-in: the charts of etclabscore/open-etc-pool in its exact JSON (a point is a Go map,
 * so its keys print sorted: `{"hashrate":…,"minersOnline":…,"x":…}`), their averages, and
 * the uncertainty of a hashrate. Pass their output to `toGoJson`.
 * @packageDocumentation
 */

/** A pool point as the fork's `map[string]interface{}`: `{"hashrate","minersOnline","x"}`. */
export function poolChartPointToGo(point: PoolChartPoint): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ["x", point.x],
    ["hashrate", point.hashrate],
    ["minersOnline", point.minersOnline],
  ]);
}

/** A miner point as the fork's map: `{"hashrate","x"}`. */
export function minerChartPointToGo(point: MinerChartPoint): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ["x", point.x],
    ["hashrate", point.hashrate],
  ]);
}

/** `poolCharts`: the points oldest first; `[]` (never `null`) without any, as the fork. */
export function poolChartsToGo(points: readonly PoolChartPoint[] | undefined): GoJsonValue {
  return (points ?? []).map(poolChartPointToGo);
}

/** An account's `charts`: the points oldest first; `[]` without any, as the fork. */
export function minerChartsToGo(points: readonly MinerChartPoint[] | undefined): GoJsonValue {
  return (points ?? []).map(minerChartPointToGo);
}

/**
 * `hashrateAverages` (not in the fork): `{"1h":…,"6h":…,"24h":…}`, each the mean H/s of
 * that period's samples or `null` without one.
 */
export function chartAveragesToGo(averages: ChartAverages | undefined): GoJsonStruct {
  return {
    "1h": averages?.["1h"].hashrate ?? null,
    "6h": averages?.["6h"].hashrate ?? null,
    "24h": averages?.["24h"].hashrate ?? null,
  };
}

/** A hashrate's uncertainty: `{"shares":…,"relativeError":…,"low":…,"high":…}` (`relativeError` a float or `null`). */
export function uncertaintyToGo(uncertainty: HashrateUncertainty): GoJsonStruct {
  return {
    shares: BigInt(uncertainty.shares),
    relativeError: uncertainty.relativeError,
    low: uncertainty.low,
    high: uncertainty.high,
  };
}
