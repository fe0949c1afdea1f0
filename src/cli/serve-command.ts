import { resolveStatsCacheConfig } from "../cache/cache-config.js";
import { formatDuration } from "../go/duration.js";
import { ApiService } from "./api-service.js";
import { CliError } from "./cli-error.js";
import type { OptionValues } from "./command-spec.js";
import { FailureLog } from "./failure-log.js";
import { formatHostPort, type HostPort, parseHostPort } from "./host-port.js";
import { logOptions } from "./log-options.js";
import { createLogger, errorMessage, type Logger } from "./logger.js";
import { packageVersion } from "./package-version.js";
import { type LoadedPoolConfig, readPoolConfig } from "./pool-config.js";
import { describeRedis } from "./redis-config.js";
import { RedisLink } from "./redis-link.js";
import { shutdownSignal } from "./shutdown-signal.js";

/**
 * `open-pool-stats serve --config config.json`: the original API process on the pool's own
 * config.json. It listens at once, waits for Redis (verifying the database before any
 * command runs on it), then runs the cache; logs with pino; a graceful stop on
 * SIGINT/SIGTERM. Resolves with the exit code; rejects with a {@link CliError}.
 * @internal
 */
export async function runServe(values: OptionValues, env: NodeJS.ProcessEnv): Promise<number> {
  const path = values.config as string | undefined;
  if (path === undefined) throw new CliError("serve needs --config <path to the pool's config.json>", 2);
  const logging = logOptions(values);
  const listenOverride = hostPortFlag("--listen", values.listen);
  const metricsListen = hostPortFlag("--metrics-listen", values["metrics-listen"]);
  const config = await readPoolConfig(path, env);
  const ignoreEnabled = values["ignore-api-enabled"] === true;
  if (config.enabled === false && !ignoreEnabled) {
    throw new CliError(
      `${path}: api.enabled is false, so the original would start no API with this file; set it to true, or pass --ignore-api-enabled`,
    );
  }
  const purge = values["no-purge"] !== true;
  const listen = listenOverride ?? config.listen;
  const metrics =
    metricsListen !== undefined
      ? { listen: metricsListen }
      : values.metrics === true
        ? { listen: undefined }
        : config.metrics;
  const log = createLogger({
    out: process.stdout,
    level: logging.level,
    ...(logging.format === undefined ? {} : { format: logging.format }),
    secrets: [config.redis.password],
  });
  const failures = new FailureLog(log, logging.repeatMs);
  startupLines(log, path, config, { listen, purge, metrics: metrics !== undefined, ignoreEnabled });
  // From here on a signal stops the service in order (also while it waits for Redis).
  const abort = new AbortController();
  const stopping = shutdownSignal((signal) => log.fatal(`Forced exit (${signal})`));
  void stopping.then(() => abort.abort());
  const link = new RedisLink({ config: config.redis, tls: config.tls, log, failures });
  let fatal: (error: CliError) => void = () => {};
  const fatalError = new Promise<CliError>((resolve) => {
    fatal = resolve;
  });
  link.onFatal((error) => fatal(error));
  let service: ApiService | undefined;
  let failure: CliError | undefined;
  try {
    service = await ApiService.start({
      link,
      prefix: config.prefix,
      api: config.api,
      listen,
      log,
      failures,
      purge,
      metrics,
      statusPage: config.statusPage,
    });
    const ended = await Promise.race([service.connect(abort.signal).then(() => stopping), fatalError, stopping]);
    if (ended instanceof CliError) failure = ended;
    else log.info(`Shutting down (${ended})`);
  } catch (error) {
    failure = error instanceof CliError ? error : new CliError(errorMessage(error), 1, { cause: error });
  }
  if (failure !== undefined) log.fatal(failure.message);
  abort.abort();
  await service?.stop();
  await link.close(); // Redis may be the thing that is down: close() does not wait on it then
  if (failure !== undefined) throw failure;
  log.info("Stopped");
  return 0;
}

/** The start-up lines: what runs, against what, and which config fields are used or not. */
function startupLines(
  log: Logger,
  path: string,
  config: LoadedPoolConfig,
  run: { listen: HostPort; purge: boolean; metrics: boolean; ignoreEnabled: boolean },
): void {
  const api = resolveStatsCacheConfig(config.api);
  const mode = api.purgeOnly ? "purge-only" : run.purge ? "api" : "api without purge";
  const { redis } = config;
  const endpoint = describeRedis(redis);
  const windows = `${formatDuration(api.hashrateWindowMs)}/${formatDuration(api.hashrateLargeWindowMs)}`;
  const listen = api.purgeOnly ? "none" : formatHostPort(run.listen.host, run.listen.port);
  log.info(
    `open-pool-stats ${packageVersion()} serve: Redis ${endpoint}, database ${redis.database}, prefix "${config.prefix}", windows ${windows}, luck ${api.luckWindow.join(",") || "none"}, listen ${listen}, mode ${mode}`,
    {
      version: packageVersion(),
      endpoint,
      database: redis.database,
      tls: redis.tls !== undefined,
      cluster: redis.cluster,
      passwordFrom: redis.passwordFrom ?? "none",
      prefix: config.prefix,
      hashrateWindow: formatDuration(api.hashrateWindowMs),
      hashrateLargeWindow: formatDuration(api.hashrateLargeWindowMs),
      luckWindow: api.luckWindow,
      listen,
      mode,
      metrics: run.metrics,
    },
  );
  const ignored = config.ignored.map(({ field, why }) => `${field} (${why})`);
  if (config.enabled === false && run.ignoreEnabled) ignored.push("api.enabled (--ignore-api-enabled)");
  const secretFrom = redis.passwordFrom === "REDIS_PASSWORD" ? "; the password from REDIS_PASSWORD" : "";
  log.info(
    `Config ${path}: using ${config.used.join(", ") || "defaults"}${secretFrom}; ignoring ${ignored.join(", ") || "nothing"}`,
    { used: config.used, ignored: config.ignored.map(({ field }) => field) },
  );
  if (redis.cluster && !/\{[^}]+\}/.test(config.prefix)) {
    log.warn(
      `coin "${config.prefix}" has no hash tag: on a Cluster each read is split per slot (atomic per slot only); "{${config.prefix}}" keeps every read one MULTI, for a pool started on a Cluster`,
    );
  }
  log.info(`Set stats collect interval to ${formatDuration(api.statsCollectIntervalMs)}`);
  log.info(
    run.purge ? `Set purge interval to ${formatDuration(api.purgeIntervalMs)}` : "Purging disabled (--no-purge)",
  );
}

function hostPortFlag(name: string, value: string | boolean | undefined): HostPort | undefined {
  if (value === undefined) return undefined;
  try {
    return parseHostPort(name, value);
  } catch (error) {
    throw new CliError(errorMessage(error), 2);
  }
}
