import { type GoJsonValue, toGoJson } from "../go/json.js";
import type { Account } from "../model/account.js";
import type { ResolvedStatsCacheConfig } from "../model/config.js";
import type { LuckRow, MinerHashrate } from "../model/rows.js";
import { chartAveragesToGo, minerChartsToGo, poolChartsToGo, uncertaintyToGo } from "./chart-shapes.js";
import { accountToGo, luckRowToGo, minerToGo, workerToGo } from "./compat-shapes.js";

/**
 * The new fields of the bodies, each only under its opt-in, so that without them every
 * body is the original's byte for byte. Keys are placed where Go's `encoding/json` puts
 * a map's keys (byte order), as the fork's are: `poolCharts` between `now` and `stats` of
 * `/api/stats`, `charts` first in an account.
 * @packageDocumentation
 */

/** Which new fields the bodies carry. */
export interface JsonExtras {
  /** `poolCharts` and `hashrateAverages` in `/api/stats`; `charts` and `hashrateAverages` in accounts. */
  readonly charts: boolean;
  /** The `…Uncertainty` fields beside every hashrate, and `probability` in each luck row. */
  readonly uncertainty: boolean;
}

/** No new field: the original's bodies. */
export const NO_JSON_EXTRAS: JsonExtras = Object.freeze({ charts: false, uncertainty: false });

/** The extras a source's config asks for (`charts` non-null, `uncertainty: true`). */
export function jsonExtrasOf(config: Partial<Pick<ResolvedStatsCacheConfig, "charts" | "uncertainty">>): JsonExtras {
  const charts = config.charts !== undefined && config.charts !== null;
  const uncertainty = config.uncertainty === true;
  return charts || uncertainty ? { charts, uncertainty } : NO_JSON_EXTRAS;
}

/**
 * What `/api/stats` adds to its body before the first snapshot (the original's
 * `{"nodes":…}`): `,"poolCharts":[]` under the charts opt-in, as the fork answers; `""`
 * otherwise. With a snapshot the new fields are fields of the shared body.
 * @internal
 */
export function noSnapshotStatsExtra(extras: JsonExtras): string {
  return extras.charts ? `,"poolCharts":${toGoJson(poolChartsToGo(undefined))}` : "";
}

/** A `Miner` struct, with `hrUncertainty` after its fields under the opt-in. */
function minerWithExtras(miner: MinerHashrate, extras: JsonExtras): GoJsonValue {
  const struct = minerToGo(miner);
  return extras.uncertainty ? { ...struct, hrUncertainty: uncertaintyToGo(miner.hrUncertainty) } : struct;
}

/** The `/api/miners` map, login → `Miner` (with `hrUncertainty` under the opt-in). */
export function minersWithExtras(
  miners: ReadonlyMap<string, MinerHashrate>,
  extras: JsonExtras,
): ReadonlyMap<string, GoJsonValue> {
  const map = new Map<string, GoJsonValue>();
  for (const [login, miner] of miners) map.set(login, minerWithExtras(miner, extras));
  return map;
}

/** A luck row map, with `probability` (a float or `null`) under the uncertainty opt-in. */
export function luckRowWithExtras(row: LuckRow, extras: JsonExtras): ReadonlyMap<string, GoJsonValue> {
  const map = luckRowToGo(row);
  return extras.uncertainty ? new Map<string, GoJsonValue>([...map, ["probability", row.probability]]) : map;
}

/** The luck map with {@link luckRowWithExtras} rows. */
export function luckWithExtras(
  rows: ReadonlyMap<string, LuckRow>,
  extras: JsonExtras,
): ReadonlyMap<string, GoJsonValue> {
  const map = new Map<string, GoJsonValue>();
  for (const [key, row] of rows) map.set(key, luckRowWithExtras(row, extras));
  return map;
}

/**
 * An account body map: the original's ({@link accountToGo}) plus, under the opt-ins,
 * `charts` and `hashrateAverages`, `currentHashrateUncertainty` and
 * `hashrateUncertainty`, and each worker's `hrUncertainty` and `hr2Uncertainty`.
 */
export function accountWithExtras(account: Account, extras: JsonExtras): ReadonlyMap<string, GoJsonValue> {
  const map = new Map(accountToGo(account));
  if (extras.charts) {
    map.set("charts", minerChartsToGo(account.charts?.points));
    map.set("hashrateAverages", chartAveragesToGo(account.charts?.averages));
  }
  if (extras.uncertainty) {
    map.set("currentHashrateUncertainty", uncertaintyToGo(account.currentHashrateUncertainty));
    map.set("hashrateUncertainty", uncertaintyToGo(account.hashrateUncertainty));
    const workers = new Map<string, GoJsonValue>();
    for (const [id, worker] of account.workers) {
      workers.set(id, {
        ...workerToGo(worker),
        hrUncertainty: uncertaintyToGo(worker.hrUncertainty),
        hr2Uncertainty: uncertaintyToGo(worker.hr2Uncertainty),
      });
    }
    map.set("workers", workers);
  }
  return map;
}
