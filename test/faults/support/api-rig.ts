import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { RedisStatsBackend } from "../../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../../src/cache/stats-cache.js";
import { createApiHandler } from "../../../src/http/create-api-handler.js";
import type { StatsCacheConfig } from "../../../src/model/config.js";
import type { RedisClient } from "../../../src/redis/client.js";
import { type HttpReply, ORIGINAL_HEADERS, rawHeader, request, serve } from "../../support/http.js";
import { hookBackend } from "./hooked-backend.js";

/** Collections every 200 ms, so a fault test sees many of them in a few seconds. */
export const COLLECT_INTERVAL_MS = 200;
/** `/health` turns 503 past this snapshot age. */
export const STALE_AFTER_MS = 1000;

const CONFIG: StatsCacheConfig = {
  statsCollectInterval: COLLECT_INTERVAL_MS,
  hashrateWindow: "30m",
  hashrateLargeWindow: "3h",
  purgeInterval: "1h",
};

/** The routes served from the snapshot, plus the health route. */
export const POOL_ROUTES = ["/api/blocks", "/api/payments", "/api/miners", "/api/stats", "/health"] as const;

/** Something the cache did, by the wall clock. */
export interface CacheEvent {
  readonly at: number;
  readonly kind: "collected" | "error";
  readonly version?: number;
  readonly operation?: string;
  /** The failure's message (a BackendUnavailableError's names its cause). */
  readonly message?: string;
}

/** One HTTP exchange a poller made. */
export interface Sample {
  readonly route: string;
  /** `"miner"` for the known miner's account, `"unknown"` for a never-seen address. */
  readonly account?: "miner" | "unknown";
  readonly sentAt: number;
  readonly at: number;
  readonly status: number;
  readonly version: number | undefined;
  readonly ageMs: number | undefined;
  readonly retryAfter: string | undefined;
  readonly body: Buffer;
  /** The original's three headers, each exactly once. */
  readonly headersOk: boolean;
}

/** A StatsCache over `client`, behind createApiHandler on a loopback port. */
export interface ApiRig {
  readonly cache: StatsCache;
  readonly hooks: ReturnType<typeof hookBackend>;
  readonly events: CacheEvent[];
  readonly port: number;
  get(path: string): Promise<HttpReply>;
  /** Starts polling every route and two accounts until `stop()`. */
  observe(miner: string): { readonly samples: Sample[]; stop(): Promise<void> };
  /** Stops the cache and closes the HTTP server (the client stays open). */
  close(): Promise<void>;
}

/** Starts a cache over `client` (reading under `prefix`), and its HTTP API. */
export async function startApiRig(client: RedisClient, prefix: string): Promise<ApiRig> {
  const hooks = hookBackend(new RedisStatsBackend(client, { prefix }));
  const cache = new StatsCache(hooks.backend, CONFIG);
  const events: CacheEvent[] = [];
  cache.on("collected", (snapshot) => events.push({ at: Date.now(), kind: "collected", version: snapshot.version }));
  cache.on("error", ({ operation, error }) =>
    events.push({ at: Date.now(), kind: "error", operation, message: String((error as Error)?.message) }),
  );
  const server = await serve(createApiHandler(cache, { staleAfter: STALE_AFTER_MS }));
  await cache.start();
  const get = (path: string) => request(server.port, path);
  return {
    cache,
    hooks,
    events,
    port: server.port,
    get,
    observe: (miner) => observe(get, miner),
    close: async () => {
      await cache.stop();
      await server.close();
    },
  };
}

function observe(get: (path: string) => Promise<HttpReply>, miner: string) {
  const samples: Sample[] = [];
  let running = true;
  const sample = async (route: string, account?: Sample["account"]): Promise<void> => {
    const sentAt = Date.now();
    const reply = await get(route);
    const header = (name: string) => rawHeader(reply, name)[0];
    const version = header("X-Stats-Version");
    const age = header("X-Stats-Age-Ms");
    samples.push({
      route,
      ...(account === undefined ? {} : { account }),
      sentAt,
      at: Date.now(),
      status: reply.status,
      version: version === undefined ? undefined : Number(version),
      ageMs: age === undefined ? undefined : Number(age),
      retryAfter: header("Retry-After"),
      body: reply.body,
      headersOk: ORIGINAL_HEADERS.every(([name, value]) => {
        const values = rawHeader(reply, name);
        return values.length === 1 && values[0] === value;
      }),
    });
  };
  const loop = async (round: () => Promise<unknown>): Promise<void> => {
    while (running) {
      await round();
      await sleep(20);
    }
  };
  const loops = [
    loop(async () => {
      for (const route of POOL_ROUTES) await sample(route);
    }),
    loop(() =>
      Promise.all([
        sample(`/api/accounts/${miner}`, "miner"),
        // A new address every time: never in the negative cache, so only Redis can answer it.
        sample(`/api/accounts/0x${randomBytes(20).toString("hex")}`, "unknown"),
      ]),
    ),
  ];
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Waits (real time) until `condition()` holds; fails after `ms`. */
export async function waitUntil(condition: () => boolean, what: string, ms = 10_000): Promise<number> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
  return Date.now();
}
