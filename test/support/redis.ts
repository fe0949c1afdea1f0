import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, inject } from "vitest";
import { escapeGlob } from "../../src/keys/pool-keys.js";

/** A client to the run's Redis (see global-setup.ts). */
export function connect(): Redis {
  return new Redis(inject("redisUrl"), { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** A prefix no other test file uses: `t<random>`, or `{t<random>}` when `tagged` (Cluster hash tag). */
export function uniquePrefix(label = "t", tagged = false): string {
  const prefix = `${label}${randomBytes(6).toString("hex")}`;
  return tagged ? `{${prefix}}` : prefix;
}

/** Deletes every key that starts with `prefix` (SCAN + UNLINK of this prefix only). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

/**
 * A connected client plus a function handing out fresh prefixes; every key under those
 * prefixes is deleted and the client closed after the file's tests.
 */
export function useRedis(): { redis: Redis; prefix: (label?: string, tagged?: boolean) => string } {
  const redis = connect();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deleteByPrefix(redis, prefix);
    await redis.quit();
  });
  return {
    redis,
    prefix: (label, tagged) => {
      const prefix = uniquePrefix(label, tagged);
      prefixes.push(prefix);
      return prefix;
    },
  };
}

/** A clock fixed at `ms`, or advanced by hand. */
export function fixedClock(ms: number): {
  now: () => number;
  set: (next: number) => void;
  advance: (by: number) => void;
} {
  let current = ms;
  return {
    now: () => current,
    set: (next) => {
      current = next;
    },
    advance: (by) => {
      current += by;
    },
  };
}

/**
 * A connected client of its own that fails fast (no retries, no reconnection), so a test
 * may disconnect it to make Redis fail for real, or replace its methods to count them.
 * The caller disconnects it.
 */
export async function failFastClient(url: string = inject("redisUrl")): Promise<Redis> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  client.on("error", () => {}); // connection errors surface as rejected commands
  await client.connect();
  return client;
}
