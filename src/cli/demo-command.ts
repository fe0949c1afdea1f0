import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { PoolKeys } from "../keys/pool-keys.js";
import type { StatsCacheConfig } from "../model/config.js";
import { deletePoolKeys } from "../testing/delete-pool-keys.js";
import { type RedisServerProcess, startRedisServer } from "../testing/redis-server-process.js";
import { ApiService } from "./api-service.js";
import { CliError } from "./cli-error.js";
import { DemoPool } from "./demo-pool.js";
import { createLogger, errorMessage, type Logger } from "./logger.js";
import { connectRedis } from "./redis-connection.js";
import { shutdownSignal } from "./shutdown-signal.js";

/** `demo`'s flags, as typed. @internal */
export interface DemoFlags {
  readonly port?: string | undefined;
  readonly miners?: string | undefined;
  readonly duration?: string | undefined;
}

/**
 * The demo's `api` section: the example config's, collecting every 2 s to look alive,
 * with charts sampled every 5 s (the fork's front end and the status page draw both
 * charts within seconds) and the uncertainty fields on.
 */
const DEMO_API: StatsCacheConfig = Object.freeze({
  statsCollectInterval: "2s",
  hashrateWindow: "30m",
  hashrateLargeWindow: "3h",
  luckWindow: [64, 128, 256],
  payments: 30,
  blocks: 50,
  purgeInterval: "1m",
  charts: Object.freeze({ enabled: true, interval: "5s", retention: "1h" }),
  uncertainty: true,
});

/**
 * `open-pool-stats demo`: a simulated pool in Redis (`REDIS_URL` under a random prefix, or
 * a throwaway `redis-server`), served on 127.0.0.1. Stops on SIGINT/SIGTERM or after
 * `--duration` seconds, deleting its keys (or stopping its server). Resolves with the
 * exit code; rejects with a {@link CliError}.
 * @internal
 */
export async function runDemo(flags: DemoFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const port = integerFlag("--port", flags.port, 0, 0, 65_535);
  const miners = integerFlag("--miners", flags.miners, 200, 1, 10_000);
  const duration = flags.duration === undefined ? undefined : integerFlag("--duration", flags.duration, 0, 1, 86_400);
  const log = createLogger(process.stdout);
  const stopping = shutdownSignal((signal) => log.error(`Forced exit (${signal})`));
  const shared = env.REDIS_URL !== undefined && env.REDIS_URL !== "";
  // On a shared Redis, a prefix nobody else uses: the demo never touches other keys.
  const prefix = shared ? `demo-${randomBytes(4).toString("hex")}` : "eth";
  const server = shared ? undefined : await ownRedisServer();
  const url = shared ? (env.REDIS_URL as string) : (server as RedisServerProcess).url;
  const redis: Redis[] = [];
  try {
    redis.push(await connectRedis({ url }, log));
    redis.push(await connectRedis({ url }, log)); // the writer's own
    const [reader, writerConnection] = redis as [Redis, Redis];
    const pool = new DemoPool(writerConnection, prefix, { miners, log });
    log.info(`Writing 2 hours of history for ${miners} miners (${(pool.hashrate / 1e9).toFixed(1)} GH/s)…`);
    await pool.seedHistory();
    const service = await ApiService.start({
      redis: reader,
      prefix,
      api: DEMO_API,
      listen: { host: "127.0.0.1", port },
      log,
      logCollections: false,
      statusPage: true,
    });
    pool.start();
    const where = server === undefined ? url : `${url} (redis-server pid ${server.pid})`;
    printUrls(log, service.url as string, pool.miners[0]?.login as string, where, prefix, duration);
    const reason = await Promise.race([stopping, after(duration)]);
    log.info(`Stopping the demo (${reason})`);
    await pool.stop();
    await service.stop();
    return 0;
  } finally {
    // Also after a failure: the demo leaves nothing behind.
    if (shared && redis[0] !== undefined) await deleteKeys(redis[0], new PoolKeys(prefix), log);
    for (const connection of redis) await connection.quit().catch(() => connection.disconnect());
    await server?.stop();
  }
}

async function ownRedisServer(): Promise<RedisServerProcess> {
  try {
    // Its own process group: a Ctrl+C in the terminal must reach the demo, which stops
    // the server last, and not the server first.
    const server = await startRedisServer({ ownProcessGroup: true });
    // Even a forced exit must not leave it running.
    process.once("exit", () => server.child.kill("SIGKILL"));
    return server;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CliError(
      missing
        ? "the demo needs Redis: set REDIS_URL=redis://host:port, or put redis-server on PATH"
        : `could not start redis-server: ${errorMessage(error)}`,
    );
  }
}

function printUrls(log: Logger, base: string, login: string, redis: string, prefix: string, duration?: number): void {
  const lines = [
    `Demo pool on ${redis} (key prefix "${prefix}"), status page on ${base}/, API on ${base}:`,
    ...["/api/stats", "/api/miners", "/api/blocks", "/api/payments", `/api/accounts/${login}`, "/health"].map(
      (path) => `  ${base}${path}`,
    ),
    duration === undefined ? "Press Ctrl+C to stop." : `Stopping by itself after ${duration} s.`,
  ];
  for (const line of lines) log.info(line);
}

function after(seconds: number | undefined): Promise<string> {
  if (seconds === undefined) return new Promise(() => {});
  return new Promise((resolve) => setTimeout(() => resolve(`--duration ${seconds}`), seconds * 1000).unref());
}

/** Deletes the demo's keys (its own prefix only); a failure is logged. */
async function deleteKeys(redis: Redis, keys: PoolKeys, log: Logger): Promise<void> {
  try {
    const deleted = await deletePoolKeys(redis, keys);
    log.info(`Deleted the demo's ${deleted} keys under "${keys.prefix}:"`);
  } catch (error) {
    log.error(`Could not delete the demo's keys under "${keys.prefix}:": ${errorMessage(error)}`);
  }
}

function integerFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new CliError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, 2);
  }
  return n;
}
