import type { Redis } from "ioredis";
import { PoolKeys } from "../src/entries/keys.js";
import { RedisPoolWriter } from "../src/entries/writer.js";
import { PoolSeeder } from "../src/testing/pool-seeder.js";
import { seededRandom as rng } from "../src/testing/random.js";

/** The simulated pool of the benchmark: M miners × W workers, all on one share difficulty. */
export interface PoolShape {
  readonly miners: number;
  readonly workers: number;
  /** The hashrate window, seconds. */
  readonly windowS: number;
  readonly diff: bigint;
}

export const POOL: PoolShape = { miners: 2000, workers: 5, windowS: 1800, diff: 2_000_000_000n };

/**
 * The pool at N shares: 2,000 miners up to a few million shares, 20,000 at ten million
 * (BENCH_MINERS overrides, e.g. to profile 20,000 miners on fewer shares).
 */
export function poolFor(n: number): PoolShape {
  const miners = Number(process.env.BENCH_MINERS ?? (n >= 10_000_000 ? 20_000 : POOL.miners));
  return miners === POOL.miners ? POOL : { ...POOL, miners };
}

/** The miner logins: `0x` + 40 hex digits, deterministic. */
export function logins(shape: PoolShape): string[] {
  return Array.from({ length: shape.miners }, (_, i) => `0x${(0x5eed0000 + i).toString(16).padStart(40, "0")}`);
}

/**
 * `count` shares spread evenly over `(fromMs, toMs]`, each from a random miner and worker.
 * A generator, so a million shares never sit in memory at once.
 */
export function* shares(shape: PoolShape, count: number, fromMs: number, toMs: number, seed: number) {
  const random = rng(seed);
  const names = logins(shape);
  const span = toMs - fromMs;
  for (let i = 0; i < count; i++) {
    yield {
      login: names[Math.floor(random() * names.length)] as string,
      workerId: `rig${Math.floor(random() * shape.workers)}`,
      diff: shape.diff,
      ms: fromMs + 1 + Math.floor(((i + random()) * (span - 1)) / count),
    };
  }
}

/**
 * Seeds a whole pool under `prefix` through the writer: `n` shares over the window ending
 * at `nowMs`, then blocks (candidates, immature, matured, uncles, orphans) and payments
 * written with the original's own write sequences.
 */
export async function seedPool(
  redis: Redis,
  prefix: string,
  n: number,
  nowMs: number,
  onProgress: (written: number) => void,
): Promise<void> {
  const keys = new PoolKeys(prefix);
  const shape = poolFor(n);
  await new PoolSeeder(redis, { prefix }).seedShares(shares(shape, n, nowMs - shape.windowS * 1000, nowMs, n), {
    chunkSize: 1000,
    onProgress,
  });
  const names = logins(shape);
  const nowS = Math.trunc(nowMs / 1000);
  const random = rng(7);
  const hex = (digits: number) =>
    `0x${Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join("")}`;
  // 60 blocks found over the last hours; the older ones unlocked, some matured.
  for (let b = 0; b < 60; b++) {
    const height = 19_000_000 + b * 20;
    const params = [hex(16), hex(64), hex(64)] as const;
    const login = names[b % names.length] as string;
    const at = (nowS - (60 - b) * 240) * 1000;
    const blockWriter = new RedisPoolWriter(redis, { prefix, now: () => at });
    await blockWriter.writeBlock(login, "rig0", params, POOL.diff, 58_000_000_000_000_000n, height, "3h");
    if (b >= 50) continue; // the newest stay candidates
    // The candidate as writeBlock stored it (its totalShares is the round's sum then).
    const [candidateKey] = await redis.zrangebyscore(keys.candidates(), height, height);
    const fields = (candidateKey as string).split(":");
    const candidate = {
      height,
      nonce: params[0],
      timestamp: Number(fields[3]),
      difficulty: BigInt(fields[4] as string),
      totalShares: BigInt(fields[5] as string),
      candidateKey: candidateKey as string,
    };
    const uncle = b % 7 === 3;
    const block = {
      ...candidate,
      hash: hex(64),
      reward: uncle ? 2_625_000_000_000_000_000n : 3_000_000_000_000_000_000n + BigInt(b) * 1_000_000_000_000n,
      uncleHeight: uncle ? height - 2 : 0,
      orphan: false,
    };
    if (b % 11 === 5) {
      await blockWriter.writePendingOrphans([{ ...candidate, orphan: true }]);
      continue;
    }
    const rewards = { [login]: 1_500_000_000n, [names[(b + 1) % names.length] as string]: 1_400_000_000n };
    await blockWriter.writeImmatureBlock(block, rewards);
    if (b >= 30) continue; // these stay immature
    const immatureKey = await redis.zrangebyscore(keys.immature(), height, height);
    await blockWriter.writeMaturedBlock({ ...block, immatureKey: immatureKey[0] as string }, rewards);
  }
  // 300 payments over the last day.
  for (let p = 0; p < 300; p++) {
    const at = (nowS - (300 - p) * 280) * 1000;
    const payer = new RedisPoolWriter(redis, { prefix, now: () => at });
    await payer.writePayment(names[(p * 7) % names.length] as string, hex(64), 500_000_000n + BigInt(p));
  }
}

/** The big account of the benchmark: one miner with `rigs` workers. */
export const BIG_ACCOUNT = { login: `0x${"b16".padStart(40, "0")}`, rigs: 1000, largeWindowS: 3 * 3600 } as const;

/**
 * `count` shares of {@link BIG_ACCOUNT} spread evenly over `(fromMs, toMs]`, round-robin
 * over its rigs (into `P:hashrate:<login>`, and `P:hashrate` as the proxies write them).
 */
export function* accountShares(count: number, fromMs: number, toMs: number, serial = 0) {
  const span = toMs - fromMs;
  for (let i = 0; i < count; i++) {
    yield {
      login: BIG_ACCOUNT.login,
      workerId: `rig${(serial + i) % BIG_ACCOUNT.rigs}`,
      diff: POOL.diff,
      ms: fromMs + 1 + Math.floor((i * (span - 1)) / count),
    };
  }
}
