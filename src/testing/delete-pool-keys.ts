import type { Redis } from "ioredis";
import type { PoolKeys } from "../keys/pool-keys.js";

/**
 * Deletes every key of one pool prefix (`P:*`, the prefix glob-escaped) with SCAN and
 * UNLINK, never touching another prefix, never a whole-database flush: for tools that own
 * the whole prefix (the demo, tests, the benchmark) on a Redis that may be shared.
 *
 * @returns how many keys were deleted
 * @internal
 */
export async function deletePoolKeys(redis: Redis, keys: PoolKeys): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", keys.allKeysPattern(), "COUNT", 1000);
    cursor = next;
    if (batch.length > 0) deleted += await redis.unlink(...batch);
  } while (cursor !== "0");
  return deleted;
}
