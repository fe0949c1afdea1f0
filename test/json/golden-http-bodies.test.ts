import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { type GoJsonValue, toGoJson } from "../../src/go/json.js";
import {
  blocksToGo,
  luckToGo,
  minerStatsToGo,
  minersToGo,
  nodeStatesToGo,
  paymentsToGo,
  workersStatsToGo,
} from "../../src/json/compat-shapes.js";
import type { PoolStats } from "../../src/model/results.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { useRedis } from "../support/redis.js";

/**
 * The HTTP bodies the original served on the golden states, rebuilt from our reads and
 * `toGoJson` the way its handlers compose them (reference §3.6): same byte count, same
 * SHA-256. The HTTP layer itself comes later; this pins what it must print.
 */

const { redis, prefix } = useRedis();

type Bodies = Map<string, { status: number; body?: string }>;

/** The original's start-up (purge, then collect) and its handlers, over our backend. */
async function serve(backend: RedisStatsBackend, paths: readonly string[], nowMs: number): Promise<Bodies> {
  const config = { window: "30m", largeWindow: "3h", blocks: 50, payments: 30, luck: [64, 128, 256] };
  await backend.flushStaleStats(config.window, config.largeWindow);
  const stats: PoolStats = await backend.collectStats(config.window, config.blocks, config.payments);
  const luck = await backend.collectLuckStats(config.luck);
  const now = BigInt(nowMs);
  const out: Bodies = new Map();
  for (const path of paths) {
    const body = await route(path);
    out.set(path, body === undefined ? { status: 404 } : { status: 200, body: `${toGoJson(body)}\n` });
  }
  return out;

  async function route(path: string): Promise<GoJsonValue | undefined> {
    const map = (...entries: [string, GoJsonValue][]) => new Map(entries);
    switch (path) {
      case "/api/stats":
        return map(
          ["candidatesTotal", BigInt(stats.candidatesTotal)],
          ["hashrate", stats.hashrate],
          ["immatureTotal", BigInt(stats.immatureTotal)],
          ["maturedTotal", BigInt(stats.maturedTotal)],
          ["minersTotal", BigInt(stats.minersTotal)],
          ["nodes", nodeStatesToGo(await backend.getNodeStates())],
          ["now", now],
          ["stats", stats.stats],
        );
      case "/api/miners":
        return map(
          ["hashrate", stats.hashrate],
          ["miners", minersToGo(stats.miners)],
          ["minersTotal", BigInt(stats.minersTotal)],
          ["now", now],
        );
      case "/api/blocks":
        return map(
          ["candidates", blocksToGo(stats.candidates)],
          ["candidatesTotal", BigInt(stats.candidatesTotal)],
          ["immature", blocksToGo(stats.immature)],
          ["immatureTotal", BigInt(stats.immatureTotal)],
          ["luck", luckToGo(luck.rows)],
          ["matured", blocksToGo(stats.matured)],
          ["maturedTotal", BigInt(stats.maturedTotal)],
        );
      case "/api/payments":
        return map(["payments", paymentsToGo(stats.payments)], ["paymentsTotal", BigInt(stats.paymentsTotal)]);
    }
    const login = /^\/api\/accounts\/(0x[0-9a-fA-F]{40})$/.exec(path)?.[1]?.toLowerCase();
    if (login === undefined || !(await backend.minerExists(login))) return undefined;
    const miner = minerStatsToGo(await backend.getMinerStats(login, config.payments));
    const workers = workersStatsToGo(await backend.collectWorkersStats(config.window, config.largeWindow, login));
    return new Map([...miner, ...workers, ["pageSize", BigInt(config.payments)]]);
  }
}

for (const name of ["a_empty", "b_small_pool"] as const) {
  const scenario = loadGolden(name);

  describe(`golden ${name}: HTTP bodies byte for byte`, () => {
    let bodies: Bodies = new Map();

    beforeAll(async () => {
      const p = prefix();
      await seedGolden(redis, scenario, p);
      const backend = new RedisStatsBackend(redis, { prefix: p, now: () => scenario.nowMs });
      bodies = await serve(backend, scenario.httpOrder, scenario.nowMs);
    });

    for (const path of scenario.httpOrder) {
      const recorded = scenario.http[path];
      if (recorded === undefined) continue;
      it(`${path} → ${recorded.status}, ${recorded.bodyBytes} bytes`, () => {
        const ours = bodies.get(path);
        expect(ours?.status).toBe(recorded.status);
        if (recorded.status !== 200) return;
        const body = ours?.body ?? "";
        expect(Buffer.byteLength(body, "utf8")).toBe(recorded.bodyBytes);
        if (recorded.bodySha256 !== undefined) {
          expect(createHash("sha256").update(body, "utf8").digest("hex")).toBe(recorded.bodySha256);
        } else {
          // Go's node order was random here (no hash recorded); the golden body has them sorted.
          expect(JSON.parse(body)).toEqual(recorded.body);
        }
      });
    }
  });
}
