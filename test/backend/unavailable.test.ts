import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { ReadOnlyReplicaError } from "../../src/errors/read-only-replica-error.js";
import { freePort, startRedisServer } from "../../src/testing/redis-server-process.js";
import { strategyBackend } from "../support/strategies.js";

const LOGIN = `0x${"8e".repeat(20)}`;

/** A client that fails fast instead of retrying: what a host uses to see outages at once. */
function failFastClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on("error", () => {}); // the host's concern; keeps ioredis from logging "Unhandled error event"
  return client;
}

/** Every read of the backend, with valid arguments. */
const READS: [string, (b: RedisStatsBackend) => Promise<unknown>][] = [
  ["collectStats", (b) => b.collectStats("30m", 50, 30)],
  ["collectLuckStats", (b) => b.collectLuckStats([64, 128, 256])],
  ["getMinerStats", (b) => b.getMinerStats(LOGIN, 30)],
  ["collectWorkersStats", (b) => b.collectWorkersStats("30m", "3h", LOGIN)],
  ["minerExists", (b) => b.minerExists(LOGIN)],
  ["getNodeStates", (b) => b.getNodeStates()],
  ["flushStaleStats", (b) => b.flushStaleStats("30m", "3h")],
];

// Any unhandled rejection during these tests is a failure of the library, not of the test.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20)); // let stray rejections surface
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

/** Runs every read and returns what each rejected with. */
async function failures(backend: RedisStatsBackend): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, read] of READS) {
    out[name] = await read(backend).then(
      (value) => ({ resolved: value }),
      (error: unknown) => error,
    );
  }
  return out;
}

function expectAllUnavailable(results: Record<string, unknown>): void {
  for (const [name] of READS) {
    const error = results[name];
    expect(error, name).toBeInstanceOf(BackendUnavailableError);
    expect(error, name).toMatchObject({ code: "ERR_BACKEND_UNAVAILABLE", operation: name });
    expect((error as Error).cause, name).toBeInstanceOf(Error);
  }
}

describe("Redis down: every read rejects with BackendUnavailableError, nothing unhandled", () => {
  it("when nothing listens on the port", async () => {
    const client = failFastClient(`redis://127.0.0.1:${await freePort()}`);
    const backend = new RedisStatsBackend(client, { prefix: "eth" });
    expectAllUnavailable(await failures(backend));
    client.disconnect();
  });

  it.skipIf(!inject("redisServerAvailable"))(
    "when the redis-server it was reading from stops (needs redis-server on PATH)",
    async () => {
      const server = await startRedisServer();
      const client = failFastClient(server.url);
      try {
        await new Promise((resolve) => client.once("ready", resolve));
        const backend = new RedisStatsBackend(client, { prefix: "eth", now: () => 1_700_000_000_000 });
        await client.zadd("eth:hashrate", 1_700_000_000, `2000000000:${LOGIN}:w:1`);
        expect((await backend.collectStats("30m", 50, 30)).minersTotal).toBe(1);
        await server.stop();
        expectAllUnavailable(await failures(backend));
      } finally {
        client.disconnect();
        await server.stop();
      }
    },
  );

  it.skipIf(!inject("redisServerAvailable"))(
    "on a read-only replica every read works; only the purge and the original strategy's trims fail (READONLY)",
    async () => {
      // A replica of a master that is down still serves reads (replica-serve-stale-data).
      const server = await startRedisServer({ args: ["--replicaof", "127.0.0.1", String(await freePort())] });
      const client = failFastClient(server.url);
      try {
        await new Promise((resolve) => client.once("ready", resolve));
        const backend = new RedisStatsBackend(client, { prefix: "eth" });
        expect(await backend.collectStats("30m", 50, 30)).toMatchObject({ minersTotal: 0, malformed: {} });
        expect(await backend.collectWorkersStats("30m", "3h", LOGIN)).toMatchObject({ workersTotal: 0 });
        expect(await backend.getNodeStates()).toEqual({ nodes: [], malformed: {} });
        expect(await backend.collectLuckStats([64])).toMatchObject({ malformed: {} });
        expect(await backend.minerExists(LOGIN)).toBe(false);
        // Writes on a replica: a typed error telling the host to use the master.
        await expect(backend.flushStaleStats("30m", "3h")).rejects.toBeInstanceOf(ReadOnlyReplicaError);
        const original = strategyBackend(client, { prefix: "eth", readStrategy: "original" });
        await expect(original.collectStats("30m", 50, 30)).rejects.toBeInstanceOf(ReadOnlyReplicaError);
        await expect(original.collectWorkersStats("30m", "3h", LOGIN)).rejects.toBeInstanceOf(ReadOnlyReplicaError);
      } finally {
        client.disconnect();
        await server.stop();
      }
    },
  );
});
