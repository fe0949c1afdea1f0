import { Redis } from "ioredis";
import { afterEach, expect, inject } from "vitest";
import { SERVICE_REDIS_OPTIONS } from "../../../src/redis/service-options.js";
import { activeResources, settleResources } from "../../support/active-resources.js";
import { uniquePrefix } from "../../support/redis.js";
import { type ApiRig, startApiRig } from "./api-rig.js";
import { seedFaultPool } from "./fault-pool.js";
import { FaultServer } from "./fault-server.js";

/** Short enough for fast tests, longer than any command on an idle loopback Redis. */
export const COMMAND_TIMEOUT_MS = 400;

/** A fault server with the fault pool, and an API over a connection of its own. */
export interface SingleRig {
  readonly server: FaultServer;
  /** The API's connection: `SERVICE_REDIS_OPTIONS` with a short command timeout. */
  readonly client: Redis;
  /** What the API's connection reported on its `error` event. */
  readonly clientErrors: Error[];
  /** How many times the API's connection started reconnecting. */
  readonly reconnects: () => number;
  readonly api: ApiRig;
  /**
   * Stops the cache, closes the HTTP server and the API's connection, and reports what
   * leaked: handles still open beyond those held before the API started, and the
   * connection's final status (`"end"` once fully closed). Then stops the server.
   * `disconnect` closes the connection at once instead of sending QUIT (for a hung server).
   */
  teardown(options?: { disconnect?: boolean }): Promise<{ leaks: string[]; clientStatus: string }>;
}

/** Why the single-server fault cases cannot run here, or `undefined` when they can. */
export function singleRigSkipReason(): string | undefined {
  return inject("redisServerAvailable")
    ? undefined
    : "redis-server is not on PATH (only REDIS_URL given); these cases start, pause and kill their own";
}

export async function startSingleRig(): Promise<SingleRig> {
  const server = await FaultServer.start();
  const prefix = uniquePrefix("fault");
  await seedFaultPool(server.admin, prefix);
  const before = activeResources();
  const client = new Redis({
    ...SERVICE_REDIS_OPTIONS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    host: "127.0.0.1",
    port: server.port,
    lazyConnect: true,
  });
  const clientErrors: Error[] = [];
  // A host must listen: ioredis prints unhandled connection errors to the console.
  client.on("error", (error: Error) => clientErrors.push(error));
  let reconnects = 0;
  client.on("reconnecting", () => reconnects++);
  await client.connect();
  const api = await startApiRig(client, prefix);
  return {
    server,
    client,
    clientErrors,
    reconnects: () => reconnects,
    api,
    teardown: async ({ disconnect = false } = {}) => {
      try {
        await api.close();
        const ended = new Promise((resolve) => client.once("end", resolve));
        if (disconnect) client.disconnect();
        else await client.quit().catch(() => client.disconnect());
        await ended;
        return { leaks: await settleResources(before), clientStatus: client.status };
      } finally {
        await server.stop();
      }
    },
  };
}

/**
 * A rig per test: `start()` makes it, `stopCleanly()` tears it down and asserts that
 * nothing leaked (no handle beyond those held before, the connection fully ended). A test
 * that fails before `stopCleanly()` still gets its rig torn down after it.
 */
export function useSingleRig(): {
  start: () => Promise<SingleRig>;
  stopCleanly: (options?: { disconnect?: boolean }) => Promise<void>;
} {
  let rig: SingleRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });
  return {
    start: async () => {
      rig = await startSingleRig();
      return rig;
    },
    stopCleanly: async (options) => {
      const current = rig;
      rig = undefined;
      const { leaks, clientStatus } = (await current?.teardown(options)) ?? { leaks: ["no rig"], clientStatus: "" };
      expect(leaks).toEqual([]);
      expect(clientStatus).toBe("end");
    },
  };
}
