/**
 * How long PoolSeeder.seedShares takes to write 1,000,000 shares (2,000 miners × 5
 * workers) into a throwaway redis-server on 127.0.0.1 (or REDIS_URL, under a random
 * prefix that is deleted afterwards).
 *
 *   npx tsx bench/seed-shares.ts [count]
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { PoolKeys } from "../src/keys/pool-keys.js";
import { deletePoolKeys } from "../src/testing/delete-pool-keys.js";
import { PoolSeeder } from "../src/testing/pool-seeder.js";
import { startRedisServer } from "../src/testing/redis-server-process.js";
import type { SeedShare } from "../src/testing/seed-shares.js";

const count = Number(process.argv[2] ?? 1_000_000);
const server = process.env.REDIS_URL ? undefined : await startRedisServer();
const redis = new Redis(process.env.REDIS_URL ?? (server?.url as string));
const prefix = `bench${randomBytes(4).toString("hex")}`;
const now = Date.now();

function* shares(): Generator<SeedShare> {
  for (let i = 0; i < count; i++) {
    yield {
      login: `0x${(i % 2000).toString(16).padStart(40, "0")}`,
      workerId: `rig${Math.floor(i / 2000) % 5}`,
      diff: 4_000_000_000n,
      ms: now - 1_800_000 + Math.floor((i * 1_800_000) / count),
    };
  }
}

try {
  const redisCpu = async (): Promise<number> => {
    const info = await redis.info("cpu");
    const field = (name: string): number => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field("used_cpu_user") + field("used_cpu_sys");
  };
  const redisCpuBefore = await redisCpu();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastReport = 0;
  const result = await new PoolSeeder(redis, { prefix }).seedShares(shares(), {
    expire: "3h",
    onProgress: (n) => {
      if (n - lastReport >= 250_000) {
        lastReport = n;
        console.log(`  ${n} shares, ${((performance.now() - started) / 1000).toFixed(2)} s`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(`seeded ${result.shares} shares of ${result.logins} logins in ${seconds.toFixed(2)} s`);
  // CPU seconds tell the cost apart from a busy machine's waiting.
  console.log(
    `CPU: node ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, redis ${(await redisCpu()) - redisCpuBefore > 0 ? ((await redisCpu()) - redisCpuBefore).toFixed(2) : "?"} s`,
  );
  console.log(`ZCARD ${new PoolKeys(prefix).hashrate()} = ${await redis.zcard(new PoolKeys(prefix).hashrate())}`);
} finally {
  await deletePoolKeys(redis, new PoolKeys(prefix));
  await redis.quit();
  await server?.stop();
}
