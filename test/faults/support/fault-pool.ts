import type { RedisClient } from "../../../src/redis/client.js";
import { RedisPoolWriter } from "../../../src/writer/redis-pool-writer.js";
import type { PowParams } from "../../../src/writer/writer-inputs.js";

/** A miner of the fault pool: it has shares, a payment and a found block. */
export const MINER = `0x${"a1".repeat(20)}`;
/** Another miner, with shares only. */
export const OTHER = `0x${"b2".repeat(20)}`;

/**
 * A small live pool, written as open-ethereum-pool writes it (RedisPoolWriter, real
 * clock): two miners and three rigs with shares in the window, a block candidate, a
 * payment and a node heartbeat, so every route has something to serve.
 */
export async function seedFaultPool(redis: RedisClient, prefix: string): Promise<void> {
  const writer = new RedisPoolWriter(redis, { prefix });
  let seq = 0;
  const pow = (): PowParams => {
    seq += 1;
    const n = seq.toString(16);
    return [`0x${n.padStart(16, "0")}`, `0x${n.padStart(64, "0")}`, `0x${n.padStart(64, "1")}`];
  };
  for (const [login, rig] of [
    [MINER, "rig1"],
    [MINER, "rig2"],
    [OTHER, "rig1"],
  ] as const) {
    for (let i = 0; i < 5; i++) await writer.writeShare(login, rig, pow(), 4_000_000_000n, 18_600_000, "3h");
  }
  await writer.writeBlock(MINER, "rig1", pow(), 4_000_000_000n, 10n ** 16n, 18_600_001, "3h");
  await writer.writePayment(MINER, `0x${"7c".repeat(32)}`, 1_000_000_000n);
  await writer.writeNodeState("main", 18_600_010, 10n ** 16n);
}
