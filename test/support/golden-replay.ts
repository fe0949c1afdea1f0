import type { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { toGoJson } from "../../src/go/json.js";
import {
  luckToGo,
  minerStatsToGo,
  nodeStatesToGo,
  poolStatsToGo,
  workersStatsToGo,
} from "../../src/json/compat-shapes.js";
import type { GoldenCall } from "./golden.js";

const seconds = (ns: unknown): number => Number(ns) / 1e6; // Go nanoseconds → our milliseconds

/** Runs one recorded call of the original against our backend and returns the JSON text. */
export async function replay(backend: RedisStatsBackend, call: GoldenCall): Promise<string> {
  const a = call.args;
  switch (call.fn) {
    case "CollectStats":
      return toGoJson(
        poolStatsToGo(await backend.collectStats(seconds(a.smallWindowNs), Number(a.maxBlocks), Number(a.maxPayments))),
      );
    case "CollectLuckStats":
      return toGoJson(luckToGo((await backend.collectLuckStats(a.windows as number[])).rows));
    case "GetMinerStats":
      return toGoJson(minerStatsToGo(await backend.getMinerStats(String(a.login), Number(a.maxPayments))));
    case "CollectWorkersStats":
      return toGoJson(
        workersStatsToGo(await backend.collectWorkersStats(a.sWindow as string, a.lWindow as string, String(a.login))),
      );
    case "GetNodeStates":
      return toGoJson(nodeStatesToGo(await backend.getNodeStates()));
    case "IsMinerExists":
      return JSON.stringify(await backend.minerExists(String(a.login)));
    case "FlushStaleStats":
      return JSON.stringify((await backend.flushStaleStats(a.window as string, a.largeWindow as string)).removed);
    default:
      throw new Error(`not an API read: ${call.fn}`);
  }
}

/** The recorded functions that are reads of the API module (the rest are writer calls). */
export const API_READS = new Set([
  "CollectStats",
  "CollectLuckStats",
  "GetMinerStats",
  "CollectWorkersStats",
  "GetNodeStates",
  "IsMinerExists",
  "FlushStaleStats",
]);

/**
 * Reads that write in the original (its trims): their effect on Redis must match under
 * the "original" strategy; the other strategies must leave Redis untouched, except the
 * purge, whose whole job is to write.
 */
export const WRITES = new Set(["CollectStats", "CollectWorkersStats", "FlushStaleStats"]);

/**
 * Calls where we deliberately differ (README "Differences"): the original divides by a
 * zero window, panics on an empty luck list, and emits a row of zeros for a luck window
 * of 0; we reject all three up front with a typed error.
 */
export function expectedRejection(call: GoldenCall): string | undefined {
  if (call.fn === "CollectStats" && Number(call.args.smallWindowNs) === 0) return "ERR_INVALID_ARGUMENT";
  if (
    call.fn === "CollectLuckStats" &&
    ((call.args.windows as number[]).length === 0 || (call.args.windows as number[]).includes(0))
  ) {
    return "ERR_INVALID_ARGUMENT";
  }
  return undefined;
}

/** The exact bytes the original produced for `call`. */
export function expectedText(call: GoldenCall): string {
  return call.resultText ?? JSON.stringify(call.result);
}
