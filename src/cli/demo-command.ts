import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { PoolKeys } from "../keys/pool-keys.js";
import type { StatsCacheConfig } from "../model/config.js";
import { deletePoolKeys } from "../testing/delete-pool-keys.js";
import { type RedisServerProcess, startRedisServer } from "../testing/redis-server-process.js";
import { ApiService } from "./api-service.js";
import { CliError } from "./cli-error.js";
import type { OptionValues } from "./command-spec.js";
import { DemoPool } from "./demo-pool.js";
import { FailureLog } from "./failure-log.js";
import { logOptions } from "./log-options.js";
import { createLogger, errorMessage, type Logger } from "./logger.js";
import { describeRedis, redisConfig } from "./redis-config.js";
import { RedisLink } from "./redis-link.js";
import { shutdownSignal } from "./shutdown-signal.js";

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
export async function runDemo(values: OptionValues, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const port = integerFlag("--port", values.port, 0, 0, 65_535);
  const miners = integerFlag("--miners", values.miners, 200, 1, 10_000);
  const duration = values.duration === undefined ? undefined : integerFlag("--duration", values.duration, 0, 1, 86_400);
  const logging = logOptions(values);
  const shared = env.REDIS_URL !== undefined && env.REDIS_URL !== "";
  let config: ReturnType<typeof redisConfig> | undefined;
  try {
    config = shared ? redisConfig({ endpoint: env.REDIS_URL }, env) : undefined;
  } catch (error) {
    // Never the URL itself in the message: it may hold a password.
    throw new CliError(`REDIS_URL: ${errorMessage(error).replace(/^redis\.endpoint: /, "")}`, 2);
  }
  const log = createLogger({
    out: process.stdout,
    level: logging.level,
    ...(logging.format === undefined ? {} : { format: logging.format }),
    secrets: config === undefined ? [] : [config.password],
  });
  const failures = new FailureLog(log, logging.repeatMs);
  const abort = new AbortController();
  const stopping = shutdownSignal((signal) => log.fatal(`Forced exit (${signal})`));
  void stopping.then(() => abort.abort());
  // On a shared Redis, a prefix nobody else uses: the demo never touches other keys.
  const prefix = shared ? `demo-${randomBytes(4).toString("hex")}` : "eth";
  const server = shared ? undefined : await ownRedisServer();
  config ??= redisConfig({ endpoint: (server as RedisServerProcess).url }, {});
  const links: RedisLink[] = [];
  try {
    const reader = new RedisLink({ config, tls: tlsOf(config), log, failures });
    const writer = new RedisLink({ config, tls: tlsOf(config), log, failures }); // the writer's own
    links.push(reader, writer);
    if (!(await writer.open(abort.signal)) || !(writer.client instanceof Redis)) return 0;
    const pool = new DemoPool(writer.client, prefix, { miners, log });
    log.info(`Writing 2 hours of history for ${miners} miners (${(pool.hashrate / 1e9).toFixed(1)} GH/s)…`);
    await pool.seedHistory();
    const service = await ApiService.start({
      link: reader,
      prefix,
      api: DEMO_API,
      listen: { host: "127.0.0.1", port },
      log,
      failures,
      logCollections: false,
      metrics: values.metrics === true ? { listen: undefined } : undefined,
      statusPage: true,
    });
    if (await service.connect(abort.signal)) {
      pool.start();
      const endpoint = describeRedis(config);
      const where = server === undefined ? endpoint : `${endpoint} (redis-server pid ${server.pid})`;
      printUrls(log, service, pool.miners[0]?.login as string, where, prefix, duration);
      const reason = await Promise.race([stopping, after(duration)]);
      log.info(`Stopping the demo (${reason})`);
      await pool.stop();
    }
    await service.stop();
    return 0;
  } finally {
    // Also after a failure: the demo leaves nothing behind.
    const [reader] = links;
    if (shared && reader?.verified === true && reader.client instanceof Redis) {
      await deleteKeys(reader.client, new PoolKeys(prefix), log);
    }
    for (const link of links) await link.close();
    await server?.stop();
  }
}

/** REDIS_URL's TLS, if `rediss://`: the system's CAs. */
function tlsOf(config: ReturnType<typeof redisConfig>): object | undefined {
  return config.tls === undefined ? undefined : {};
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

function printUrls(
  log: Logger,
  service: ApiService,
  login: string,
  redis: string,
  prefix: string,
  duration?: number,
): void {
  const base = service.url as string;
  const paths = ["/api/stats", "/api/miners", "/api/blocks", "/api/payments", `/api/accounts/${login}`, "/health"];
  const lines = [
    `Demo pool on ${redis} (key prefix "${prefix}"), status page on ${base}/, API on ${base}:`,
    ...paths.map((path) => `  ${base}${path}`),
    ...(service.metricsUrl === undefined ? [] : [`  ${service.metricsUrl}`]),
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

function integerFlag(
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw new CliError(`${name} needs a value`, 2);
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new CliError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, 2);
  }
  return n;
}
