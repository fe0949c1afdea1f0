import { describe, expect, it } from "vitest";
import { isPoolStatsError } from "../../src/errors/pool-stats-error.js";
import { applyCommands, dumpState, loadGolden, seedGolden } from "../support/golden.js";
import { API_READS, expectedRejection, expectedText, replay, WRITES } from "../support/golden-replay.js";
import { useRedis } from "../support/redis.js";
import { strategyBackend } from "../support/strategies.js";

const { redis, prefix } = useRedis();

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
        const backend = strategyBackend(redis, { prefix: p, now: () => scenario.nowMs, readStrategy: strategy });
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
        expect(text, `call #${i}`).toBe(expectedText(call));
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
