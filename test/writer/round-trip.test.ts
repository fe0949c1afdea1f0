import { beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";
import type { PowParams } from "../../src/writer/writer-inputs.js";
import { fixedClock, useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;
const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;
const DIFF = 4_000_000_000n;
const NETWORK = 58_000_000_000_000_000n;
const REWARD = 3_000_000_000_000_000_000n;
const HASH = `0x${"cd".repeat(32)}`;
const TX = `0x${"ef".repeat(32)}`;
let powSeq = 0;
const pow = (): PowParams => {
  powSeq += 1;
  const n = powSeq.toString(16);
  return [`0x${n.padStart(16, "0")}`, `0x${n.padStart(64, "0")}`, `0x${n.padStart(64, "1")}`];
};

/**
 * A small pool written only through RedisPoolWriter (shares, a block, its unlocking,
 * a payout, a node), then read back through RedisStatsBackend. Every expected number
 * is worked out by hand from the original's formulas (reference §2.2–§2.6).
 */
describe("round trip: what the writer writes, the backend reads back", () => {
  const p = prefix();
  const clock = fixedClock(NOW_MS);
  const writer = new RedisPoolWriter(redis, { prefix: p, now: clock.now });
  const backend = new RedisStatsBackend(redis, { prefix: p, now: () => NOW_MS });
  const share = async (login: string, worker: string, agoS: number): Promise<void> => {
    clock.set(NOW_MS - agoS * 1000);
    expect(await writer.writeShare(login, worker, pow(), DIFF, 500, "3h")).toBe(false);
  };
  const blockPow = pow();

  beforeAll(async () => {
    await share(B, "w1", 7200); // inside 3h, outside 30m
    await share(A, "rig1", 1200);
    await share(A, "rig1", 600);
    await share(A, "rig2", 300);
    await share(B, "w1", 60);
    clock.set(NOW_MS - 30_000);
    expect(await writer.writeBlock(B, "w1", blockPow, DIFF, NETWORK, 600, "3h")).toBe(false);
    await share(A, "rig1", 10); // a new round
    clock.set(NOW_MS);
    const [nonce, powHash, mixDigest] = blockPow;
    // The round: every share above (6 × 4e9) — what the candidate member carries.
    const candidate = { height: 600, nonce, powHash, mixDigest, timestamp: NOW_S - 30, difficulty: NETWORK };
    const totalShares = 6n * DIFF;
    await writer.writeImmatureBlock(
      { ...candidate, totalShares, hash: HASH, reward: REWARD },
      { [A]: 1_500_000_000n, [B]: 1_500_000_000n },
    );
    const immatureKey = `0:0:${nonce}:${HASH}:${NOW_S - 30}:${NETWORK}:${totalShares}:${REWARD}`;
    await writer.writeMaturedBlock(
      { ...candidate, totalShares, hash: HASH, reward: REWARD, immatureKey },
      { [A]: 1_500_000_000n, [B]: 1_500_000_000n },
    );
    await writer.lockPayouts(A, 1_000_000_000n);
    await writer.updateBalance(A, 1_000_000_000n);
    await writer.writePayment(A, TX, 1_000_000_000n);
    await writer.writeNodeState("main", 601, NETWORK);
  });

  it("collectStats: miners' hashrate, round shares, blocks and payments", async () => {
    const stats = await backend.collectStats("30m", 0, 0);
    // A: 4 shares (−1200, −600, −300, −10) = 16e9 over min(max(1200, 600), 1800) s.
    // B: 2 shares in the window (−60, −30) = 8e9 over the 600 s floor; −7200 was trimmed.
    expect(stats.miners.get(A)).toMatchObject({ hr: 16_000_000_000n / 1200n, lastBeat: NOW_S - 10, offline: false });
    expect(stats.miners.get(B)).toMatchObject({ hr: 8_000_000_000n / 600n, lastBeat: NOW_S - 30, offline: false });
    expect(stats.hashrate).toBe(13_333_333n + 13_333_333n);
    expect(stats.minersTotal).toBe(2);
    // Only the share after the block counts in the new round; the block set lastBlockFound.
    expect(stats.stats).toEqual(
      new Map([
        ["lastBlockFound", BigInt(NOW_S - 30)],
        ["roundShares", DIFF],
      ]),
    );
    expect([stats.candidatesTotal, stats.immatureTotal, stats.maturedTotal, stats.paymentsTotal]).toEqual([0, 0, 1, 1]);
    expect(stats.matured[0]).toMatchObject({
      height: 600,
      hash: HASH,
      shares: 6n * DIFF,
      difficulty: NETWORK,
      reward: REWARD.toString(),
      uncle: false,
      orphan: false,
      timestamp: BigInt(NOW_S - 30),
    });
    expect(stats.payments).toEqual([{ timestamp: NOW_S, tx: TX, address: A, amount: 1_000_000_000n }]);
  });

  it("getMinerStats: balances after immature → matured → payout, and the round share", async () => {
    const a = await backend.getMinerStats(A, 0);
    expect(a.stats).toEqual(
      new Map<string, bigint>([
        ["lastShare", BigInt(NOW_S - 10)],
        ["immature", 0n],
        ["balance", 500_000_000n],
        ["pending", 0n],
        ["paid", 1_000_000_000n],
      ]),
    );
    expect(a.payments).toEqual([{ timestamp: NOW_S, tx: TX, amount: 1_000_000_000n }]);
    expect(a.roundShares).toBe(DIFF);
    const b = await backend.getMinerStats(B, 0);
    expect(b.stats.get("blocksFound")).toBe(1n);
    expect(b.stats.get("balance")).toBe(1_500_000_000n);
    expect(b.roundShares).toBe(0n);
  });

  it("collectWorkersStats: short and long window per worker", async () => {
    const a = await backend.collectWorkersStats("30m", "3h", A);
    // rig1: 3 shares (−1200, −600, −10), started 1200 s ago; rig2: 1 share, the 600 s floor.
    expect(a.workers.get("rig1")).toMatchObject({ hr: 12_000_000_000n / 1200n, hr2: 12_000_000_000n / 1200n });
    expect(a.workers.get("rig2")).toMatchObject({ hr: 4_000_000_000n / 600n, hr2: 4_000_000_000n / 600n });
    expect([a.currentHashrate, a.hashrate, a.workersOnline, a.workersOffline]).toEqual([
      16_666_666n,
      16_666_666n,
      2,
      0,
    ]);
    const b = await backend.collectWorkersStats("30m", "3h", B);
    // w1: 12e9 in 3h since 7200 s ago; 8e9 of it in the last 30 m.
    expect(b.workers.get("w1")).toMatchObject({ hr: 8_000_000_000n / 1800n, hr2: 12_000_000_000n / 7200n });
  });

  it("getNodeStates: the heartbeat", async () => {
    const { nodes } = await backend.getNodeStates();
    expect(nodes).toEqual([
      {
        id: "main",
        fields: new Map([
          ["name", "main"],
          ["height", "601"],
          ["difficulty", NETWORK.toString()],
          ["lastBeat", String(NOW_S)],
        ]),
      },
    ]);
  });
});
