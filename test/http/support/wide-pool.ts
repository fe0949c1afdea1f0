import { randomBytes } from "node:crypto";
import type { RedisClient } from "../../../src/redis/client.js";
import { PoolSeeder } from "../../../src/testing/pool-seeder.js";
import { seededRandom } from "../../../src/testing/random.js";
import { RedisPoolWriter } from "../../../src/writer/redis-pool-writer.js";
import type { PowParams } from "../../../src/writer/writer-inputs.js";

/** What {@link seedWidePool} wrote. */
export interface WidePool {
  /** Every miner's login: random addresses, as a real pool's are (they do not compress). */
  readonly logins: readonly string[];
  /** A miner with many workers and payments: an account body of several KB. */
  readonly rich: string;
}

/**
 * A pool with `miners` miners (one share each within the window, `rich` with 40 workers and
 * 30 payments), 30 block candidates, payments and two node heartbeats, written at `nowMs`: enough
 * bytes in `/api/miners` (~100 per miner) and in an account to be worth compressing.
 */
export async function seedWidePool(
  redis: RedisClient,
  prefix: string,
  miners: number,
  nowMs: number,
): Promise<WidePool> {
  const random = seededRandom(miners);
  const logins = Array.from({ length: miners }, () => `0x${randomBytes(20).toString("hex")}`);
  const rich = logins[0] as string;
  const shares = logins.map((login, i) => ({
    login,
    workerId: "rig0",
    diff: 4_000_000_000n + BigInt(Math.floor(random() * 1e9)),
    ms: nowMs - 1000 - i,
  }));
  for (let w = 1; w < 40; w++)
    shares.push({ login: rich, workerId: `rig${w}`, diff: 4_000_000_000n, ms: nowMs - 2000 });
  await new PoolSeeder(redis, { prefix }).seedShares(shares);
  const writer = new RedisPoolWriter(redis, { prefix, now: () => nowMs });
  let seq = 0;
  const pow = (): PowParams => {
    seq += 1;
    const n = seq.toString(16);
    return [`0x${n.padStart(16, "0")}`, `0x${n.padStart(64, "0")}`, `0x${n.padStart(64, "1")}`];
  };
  for (let b = 0; b < 30; b++)
    await writer.writeBlock(rich, "rig0", pow(), 4_000_000_000n, 10n ** 16n, 18_600_000 + b, "3h");
  for (let p = 0; p < 30; p++)
    await writer.writePayment(rich, `0x${randomBytes(32).toString("hex")}`, 1_000_000_000n + BigInt(p));
  await writer.writeNodeState("main", 18_600_010, 10n ** 16n);
  await writer.writeNodeState("backup", 18_600_009, 10n ** 16n);
  return { logins, rich };
}
