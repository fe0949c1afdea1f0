import { describe, expect, it } from "vitest";
import { planPoolSnapshot } from "../../src/backend/reads/collect-stats.js";
import { planLuckStats } from "../../src/backend/reads/luck-stats.js";
import { planMinerStats } from "../../src/backend/reads/miner-stats.js";
import { planNodeStates } from "../../src/backend/reads/node-states.js";
import { planMinerKeyScan, planMinerTrim, planPoolTrim } from "../../src/backend/reads/purge.js";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { type CommandPlan, planCommands } from "../../src/redis/plan.js";
import { planOriginalCollectStats, planOriginalWorkersStats } from "../../src/testing/original-method-backend.js";
import { captureCommands, commandText } from "../support/monitor.js";
import { connect, useRedis } from "../support/redis.js";
import { strategyBackend } from "../support/strategies.js";

const NOW_MS = 1_700_000_000_000;
const NOW_S = 1_700_000_000;
const LOGIN = `0x${"8e".repeat(20)}`;
const keys = new PoolKeys("eth");
const text = (plan: CommandPlan) => planCommands(plan).map(commandText);

describe("plans: the reference's command tables, command for command", () => {
  it("collectStats (readStrategy original) is §2.2's MULTI (trim, window, stats, three block lists, four ZCARDs, payments)", () => {
    expect(
      text(
        planOriginalCollectStats(keys, { nowMs: NOW_MS, nowS: NOW_S, windowS: 1800, maxBlocks: 50, maxPayments: 30 }),
      ),
    ).toEqual([
      "ZREMRANGEBYSCORE eth:hashrate -inf (1699998200",
      "ZRANGE eth:hashrate 0 -1 WITHSCORES",
      "HGETALL eth:stats",
      "ZREVRANGE eth:blocks:candidates 0 -1 WITHSCORES",
      "ZREVRANGE eth:blocks:immature 0 -1 WITHSCORES",
      "ZREVRANGE eth:blocks:matured 0 49 WITHSCORES",
      "ZCARD eth:blocks:candidates",
      "ZCARD eth:blocks:immature",
      "ZCARD eth:blocks:matured",
      "ZCARD eth:payments:all",
      "ZREVRANGE eth:payments:all 0 29 WITHSCORES",
    ]);
  });

  it("collectStats with limits 0 reads all rows: ZREVRANGE 0 -1", () => {
    const plan = text(
      planOriginalCollectStats(keys, { nowMs: NOW_MS, nowS: NOW_S, windowS: 600, maxBlocks: 0, maxPayments: 0 }),
    );
    expect(plan[0]).toBe("ZREMRANGEBYSCORE eth:hashrate -inf (1699999400");
    expect(plan[5]).toBe("ZREVRANGE eth:blocks:matured 0 -1 WITHSCORES");
    expect(plan[10]).toBe("ZREVRANGE eth:payments:all 0 -1 WITHSCORES");
  });

  it("collectLuckStats is §2.3's MULTI: all immature, then max(windows) matured", () => {
    const expected = ["ZREVRANGE eth:blocks:immature 0 -1 WITHSCORES", "ZREVRANGE eth:blocks:matured 0 255 WITHSCORES"];
    expect(text(planLuckStats(keys, [64, 128, 256]))).toEqual(expected);
    expect(text(planLuckStats(keys, [256, 64, 128]))).toEqual(expected);
    expect(text(planLuckStats(keys, [1]))[1]).toBe("ZREVRANGE eth:blocks:matured 0 0 WITHSCORES");
  });

  it("getMinerStats is §2.4's MULTI", () => {
    expect(text(planMinerStats(keys, LOGIN, 30))).toEqual([
      `HGETALL eth:miners:${LOGIN}`,
      `ZREVRANGE eth:payments:${LOGIN} 0 29 WITHSCORES`,
      `ZCARD eth:payments:${LOGIN}`,
      `HGET eth:shares:roundCurrent ${LOGIN}`,
    ]);
    expect(text(planMinerStats(keys, LOGIN, 0))[1]).toBe(`ZREVRANGE eth:payments:${LOGIN} 0 -1 WITHSCORES`);
  });

  it("collectWorkersStats (readStrategy original) is §2.5's MULTI: trim to the large window, then read it all", () => {
    expect(
      text(planOriginalWorkersStats(keys, LOGIN, { nowS: NOW_S, smallWindowS: 1800, largeWindowS: 10800 })),
    ).toEqual([
      `ZREMRANGEBYSCORE eth:hashrate:${LOGIN} -inf (1699989200`,
      `ZRANGE eth:hashrate:${LOGIN} 0 -1 WITHSCORES`,
    ]);
  });

  it("getNodeStates is §2.8's single HGETALL", () => {
    expect(text(planNodeStates(keys))).toEqual(["HGETALL eth:nodes"]);
  });

  it("flushStaleStats is §2.7: the pool trim by the small window, SCAN MATCH COUNT 100, per-login trims by the large window", () => {
    const args = { nowS: NOW_S, windowS: 1800, largeWindowS: 10800, scanCount: 100 };
    expect(commandText(planPoolTrim(keys, args))).toBe("ZREMRANGEBYSCORE eth:hashrate -inf (1699998200");
    expect(commandText(planMinerKeyScan(keys, "0", 100))).toBe("SCAN 0 MATCH eth:hashrate:* COUNT 100");
    expect(commandText(planMinerTrim(keys.minerHashrate(LOGIN), args))).toBe(
      `ZREMRANGEBYSCORE eth:hashrate:${LOGIN} -inf (1699989200`,
    );
  });

  it("escapes glob characters of the prefix in the SCAN pattern (and only there)", () => {
    const odd = new PoolKeys("e*t[h]?\\");
    expect(commandText(planMinerKeyScan(odd, "17", 5))).toBe("SCAN 17 MATCH e\\*t\\[h\\]\\?\\\\:hashrate:* COUNT 5");
    expect(odd.hashrate()).toBe("e*t[h]?\\:hashrate");
  });
});

describe("on the wire (MONITOR): each read sends exactly its plan", () => {
  const { prefix } = useRedis();

  it("collectStats (readStrategy original) sends MULTI, §2.2's eleven commands, EXEC", async () => {
    const p = prefix();
    const client = connect();
    const backend = strategyBackend(client, { prefix: p, now: () => NOW_MS, readStrategy: "original" });
    const capture = await captureCommands(client);
    await backend.collectStats("30m", 0, 30);
    const wire = (await capture.stop()).map(commandText);
    await client.quit();
    const planned = text(
      planOriginalCollectStats(new PoolKeys(p), {
        nowMs: NOW_MS,
        nowS: NOW_S,
        windowS: 1800,
        maxBlocks: 0,
        maxPayments: 30,
      }),
    );
    expect(wire).toEqual(["MULTI", ...planned, "EXEC"]);
    expect(wire[6]).toBe(`ZREVRANGE ${p}:blocks:matured 0 -1 WITHSCORES`);
  });

  it("collectStats (default) sends no write: §2.2's reads 2–10 with the window read by score and a verifying ZCOUNT, in one MULTI", async () => {
    const p = prefix();
    const k = new PoolKeys(p);
    const client = connect();
    const backend = new RedisStatsBackend(client, { prefix: p, now: () => NOW_MS });
    const capture = await captureCommands(client);
    await backend.collectStats("30m", 0, 30);
    const wire = (await capture.stop()).map(commandText);
    await client.quit();
    const snapshot = text(
      planPoolSnapshot(k, { nowMs: NOW_MS, nowS: NOW_S, windowS: 1800, maxBlocks: 0, maxPayments: 30 }),
    );
    expect(wire).toEqual([
      "MULTI",
      ...snapshot,
      `ZCOUNT ${p}:hashrate 1699998200 +inf`,
      // A short first page: what lies past it goes over the backend's bulk connection.
      `ZRANGE ${p}:hashrate 1699998200 +inf BYSCORE LIMIT 0 512 WITHSCORES`,
      `ZCOUNT ${p}:hashrate 1699998200 +inf`,
      "EXEC",
    ]);
    expect(wire.some((command) => command.startsWith("ZREMRANGEBYSCORE"))).toBe(false);
  });

  it("every other read sends its plan: a MULTI each, but getNodeStates a bare HGETALL and minerExists a bare EXISTS", async () => {
    const p = prefix();
    const k = new PoolKeys(p);
    const client = connect();
    const backend = strategyBackend(client, { prefix: p, now: () => NOW_MS, readStrategy: "original" });
    const capture = await captureCommands(client);
    await backend.collectLuckStats([64, 128, 256]);
    await backend.getMinerStats(LOGIN, 30);
    await backend.collectWorkersStats("30m", "3h", LOGIN);
    await backend.getNodeStates();
    await backend.minerExists(LOGIN);
    const wire = (await capture.stop()).map(commandText);
    await client.quit();
    expect(wire).toEqual([
      "MULTI",
      ...text(planLuckStats(k, [64, 128, 256])),
      "EXEC",
      "MULTI",
      ...text(planMinerStats(k, LOGIN, 30)),
      "EXEC",
      "MULTI",
      ...text(planOriginalWorkersStats(k, LOGIN, { nowS: NOW_S, smallWindowS: 1800, largeWindowS: 10800 })),
      "EXEC",
      `HGETALL ${p}:nodes`, // §2.8: not in a MULTI
      `EXISTS ${p}:miners:${LOGIN}`,
    ]);
  });
});
