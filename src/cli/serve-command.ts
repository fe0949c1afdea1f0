import type { Redis } from "ioredis";
import { ApiService } from "./api-service.js";
import { CliError } from "./cli-error.js";
import { type HostPort, parseHostPort } from "./host-port.js";
import { createLogger, errorMessage } from "./logger.js";
import { readPoolConfig } from "./pool-config.js";
import { connectRedis } from "./redis-connection.js";
import { shutdownSignal } from "./shutdown-signal.js";

/** `serve`'s flags. @internal */
export interface ServeFlags {
  readonly config?: string | undefined;
  readonly listen?: string | undefined;
  /** `false` with `--no-purge`. @defaultValue true */
  readonly purge?: boolean;
}

/**
 * `open-pool-stats serve --config config.json`: the original API process on the pool's own
 * config.json — StatsCache and the HTTP handler, logs on stdout, a graceful stop on
 * SIGINT/SIGTERM. Resolves with the exit code; rejects with a {@link CliError}.
 * @internal
 */
export async function runServe(flags: ServeFlags): Promise<number> {
  if (flags.config === undefined) throw new CliError("serve needs --config <path to the pool's config.json>", 2);
  const config = await readPoolConfig(flags.config);
  if (config.enabled === false) {
    throw new CliError(
      `${flags.config}: api.enabled is false, so the original would start no API with this file; set it to true to serve`,
    );
  }
  const listen = flags.listen === undefined ? config.listen : listenFlag(flags.listen);
  const log = createLogger(process.stdout);
  // From here on a signal stops the service in order (also while it starts).
  const stopping = shutdownSignal((signal) => log.error(`Forced exit (${signal})`));
  const { endpoint, password, database } = config.redis;
  const redis = await connectRedis({ host: endpoint.host, port: endpoint.port, password, db: database }, log);
  let service: ApiService;
  try {
    service = await ApiService.start({
      redis,
      prefix: config.prefix,
      api: config.api,
      listen,
      log,
      purge: flags.purge ?? true,
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const signal = await stopping;
  log.info(`Shutting down (${signal})`);
  await service.stop();
  await closeRedis(redis);
  log.info("Stopped");
  return 0;
}

/** How long a QUIT may take on a Redis that answers; past it the socket is just closed. */
const QUIT_WAIT_MS = 500;

/**
 * QUIT when Redis is ready and nothing is pending; otherwise (a command still waiting on a
 * hung or lost server) disconnect at once: a QUIT would queue behind it until the command
 * timeout. Never rejects.
 */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready" || redis.commandQueue.length > 0) {
    redis.disconnect();
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, QUIT_WAIT_MS);
  });
  await Promise.race([
    redis.quit().then(
      () => undefined,
      () => undefined,
    ),
    late,
  ]);
  clearTimeout(timer);
  if ((redis.status as string) !== "end") redis.disconnect(); // the QUIT did not come back in time
}

function listenFlag(value: string): HostPort {
  try {
    return parseHostPort("--listen", value);
  } catch (error) {
    throw new CliError(errorMessage(error), 2);
  }
}
