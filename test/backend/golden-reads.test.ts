import { describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { isPoolStatsError } from "../../src/errors/pool-stats-error.js";
import {
  luckToGo,
  minerStatsToGo,
  nodeStatesToGo,
  poolStatsToGo,
  workersStatsToGo,
} from "../../src/json/compat-shapes.js";
import { toGoJson } from "../../src/json/go-json.js";
import { applyCommands, dumpState, type GoldenCall, loadGolden, seedGolden } from "../support/golden.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const seconds = (ns: unknown): number => Number(ns) / 1e6; // Go nanoseconds → our milliseconds

/** Runs one recorded call of the original against our backend and returns the JSON text. */
async function replay(backend: RedisStatsBackend, call: GoldenCall): Promise<string> {
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

const API_READS = new Set([
  "CollectStats",
  "CollectLuckStats",
  "GetMinerStats",
  "CollectWorkersStats",
  "GetNodeStates",
  "IsMinerExists",
  "FlushStaleStats",
]);

/**
 * Calls where we deliberately differ (README "Differences"): the original divides by a
 * zero window, panics on an empty luck list, and emits a row of zeros for a luck window
 * of 0; we reject all three up front with a typed error.
 */
function expectedRejection(call: GoldenCall): string | undefined {
  if (call.fn === "CollectStats" && Number(call.args.smallWindowNs) === 0) return "ERR_INVALID_ARGUMENT";
  if (
    call.fn === "CollectLuckStats" &&
    ((call.args.windows as number[]).length === 0 || (call.args.windows as number[]).includes(0))
  ) {
    return "ERR_INVALID_ARGUMENT";
  }
  return undefined;
}

/**
 * Reads that write in the original (its trims): their effect on Redis must match under
 * the "original" strategy; the other strategies must leave Redis untouched, except the
 * purge, whose whole job is to write.
 */
const WRITES = new Set(["CollectStats", "CollectWorkersStats", "FlushStaleStats"]);

for (const [name, strategy] of [
  ["a_empty", "incremental"],
  ["b_small_pool", "incremental"],
  ["b_small_pool", "chunked"],
  ["b_small_pool", "original"],
] as const) {
  const scenario = loadGolden(name);
  describe(`golden ${name} (${strategy}): every API read gives the original's bytes`, () => {
    const calls = scenario.calls.filter((call) => API_READS.has(call.fn));
    it("covers every API read the scenario recorded", () => {
      expect(calls.length).toBeGreaterThan(0);
    });
    calls.forEach((call, i) => {
      it(`${call.fn} ${JSON.stringify(call.args)}${call.note ? ` (${call.note})` : ""}`, async () => {
        const p = prefix();
        await seedGolden(redis, scenario, p);
        const backend = new RedisStatsBackend(redis, { prefix: p, now: () => scenario.nowMs, readStrategy: strategy });
        const rejection = expectedRejection(call);
        if (rejection !== undefined) {
          const error = await replay(backend, call).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isPoolStatsError(error) && error.code).toBe(rejection);
          return;
        }
        const text = await replay(backend, call);
        const expected = call.resultText ?? JSON.stringify(call.result);
        expect(text, `call #${i}`).toBe(expected);
        if (WRITES.has(call.fn)) {
          const writes = strategy === "original" || call.fn === "FlushStaleStats";
          const reference = prefix();
          await seedGolden(redis, scenario, reference);
          if (writes) await applyCommands(redis, call.stateDelta ?? [], scenario.prefix, reference);
          expect(await dumpState(redis, p)).toEqual(await dumpState(redis, reference));
        }
      });
    });
  });
}
