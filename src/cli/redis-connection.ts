import { Redis } from "ioredis";
import { SERVICE_REDIS_OPTIONS } from "../redis/service-options.js";
import { CliError } from "./cli-error.js";
import { formatHostPort } from "./host-port.js";
import type { Logger } from "./logger.js";

/** Where to connect: a pool config's endpoint, or a `redis://` URL (the demo's `REDIS_URL`). @internal */
export type RedisTarget =
  | { readonly host: string | undefined; readonly port: number; readonly password?: string; readonly db?: number }
  | { readonly url: string };

/**
 * Connects with `SERVICE_REDIS_OPTIONS` and checks the server with a PING, failing
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
