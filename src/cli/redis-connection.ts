import { Redis } from "ioredis";
import { CliError } from "./cli-error.js";
import { formatHostPort } from "./host-port.js";
import type { Logger } from "./logger.js";

/**
 * The ioredis options `serve` and `demo` use, and the ones we recommend for any host that
 * serves the API: during a Redis outage every read fails at once (a 503 for an account,
 * the last snapshot for pool routes) instead of queueing, and the client reconnects by
 * itself, so the API recovers as soon as Redis is back.
 *
 * - `enableOfflineQueue: false` — no queue while disconnected: commands fail immediately.
 * - `maxRetriesPerRequest: 0` — commands in flight when the connection drops fail too,
 *   rather than being resent later (a stale read nobody waits for any more).
 * - `commandTimeout: 10000` — a hung Redis cannot hold a request or `stop()` forever.
 * - `connectTimeout: 5000` — the original's dial timeout.
 * - `retryStrategy` — reconnect forever, backing off from 100 ms to at most 2 s (ioredis's
 *   default goes up to 5 s): the API is back within two seconds of Redis.
 */
export const SERVICE_REDIS_OPTIONS = Object.freeze({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 10_000,
  connectTimeout: 5_000,
  retryStrategy: (times: number): number => Math.min(100 * 2 ** Math.min(times - 1, 5), 2_000),
});

/** Where to connect: a pool config's endpoint, or a `redis://` URL (the demo's `REDIS_URL`). @internal */
export type RedisTarget =
  | { readonly host: string | undefined; readonly port: number; readonly password?: string; readonly db?: number }
  | { readonly url: string };

/**
 * Connects with {@link SERVICE_REDIS_OPTIONS} and checks the server with a PING, failing
 * fast with a one-line {@link CliError} when Redis is unreachable. Afterwards, an outage
 * is logged once when it starts (ioredis reports every reconnection attempt) and once
 * when the connection is ready again.
 * @internal
 */
export async function connectRedis(target: RedisTarget, log: Logger): Promise<Redis> {
  const options = { ...SERVICE_REDIS_OPTIONS, lazyConnect: true }; // connect() below fails fast
  let redis: Redis;
  let where: string;
  if ("url" in target) {
    redis = new Redis(target.url, options);
    where = target.url;
  } else {
    const { host = "127.0.0.1", port, password, db } = target;
    redis = new Redis({ ...options, host, port, ...(password ? { password } : {}), ...(db ? { db } : {}) });
    where = formatHostPort(host, port);
  }
  let lastError: Error | undefined;
  let started = false;
  let down = false;
  redis.on("error", (error: Error) => {
    lastError = error;
    if (started && !down) log.error(`Redis connection error: ${error.message}`);
    down = true;
  });
  // A server that shuts down cleanly closes the connection without an error.
  redis.on("reconnecting", () => {
    if (started && !down) log.error(`Redis connection lost (${where}), reconnecting`);
    down = true;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = lastError?.message ?? (error as Error).message;
    throw new CliError(`cannot reach Redis at ${where}: ${reason}`, 1, { cause: error });
  }
  started = true;
  down = false;
  redis.on("ready", () => {
    if (down) log.info(`Redis connection ready again (${where})`);
    down = false;
  });
  return redis;
}
