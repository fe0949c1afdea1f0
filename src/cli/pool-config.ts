import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { ConnectionOptions } from "node:tls";
import { resolveStatsCacheConfig } from "../cache/cache-config.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { StatsCacheConfig } from "../model/config.js";
import { CliError } from "./cli-error.js";
import { type HostPort, parseHostPort } from "./host-port.js";
import { IGNORED_REDIS_FIELDS, REDIS_FIELDS, type RedisConfig, redisConfig } from "./redis-config.js";

/** `GET /metrics`, asked for in config.json (`api.metrics`). @internal */
export interface MetricsConfig {
  /** Its own address; `undefined` serves it on the API's port. */
  readonly listen: HostPort | undefined;
}

/** A field of config.json that `serve` does not use, and why. @internal */
export interface IgnoredField {
  readonly field: string;
  readonly why: string;
}

/** What `serve` takes from a pool's original config.json. @internal */
export interface PoolConfig {
  /** The top-level `coin`: the key prefix. */
  readonly prefix: string;
  readonly redis: RedisConfig;
  /** The `api` section, as is (validated by the same rules as `StatsCache`). */
  readonly api: StatsCacheConfig;
  /** `api.enabled`; `undefined` when the file does not say. */
  readonly enabled: boolean | undefined;
  /** `api.listen`, parsed. */
  readonly listen: HostPort;
  /** `api.metrics`; `undefined` when off. */
  readonly metrics: MetricsConfig | undefined;
  /** The fields of the `redis` and `api` sections that are read, as the file spells them. */
  readonly used: readonly string[];
  /** The fields of those sections that are not, with the reason. */
  readonly ignored: readonly IgnoredField[];
  /** `api.statusPage`: serve the built-in status page at `/` (not in the original). */
  readonly statusPage: boolean;
}

/** A config whose TLS files have been read. @internal */
export interface LoadedPoolConfig extends PoolConfig {
  /** Node's TLS options for every connection, `undefined` without TLS. */
  readonly tls: ConnectionOptions | undefined;
}

/**
 * The `api` fields read by StatsCache (the original's, plus our `charts` and
 * `uncertainty`), and `enabled`, `listen` and our `metrics` and `statusPage`.
 */
const API_FIELDS = new Set([
  "enabled",
  "listen",
  "purgeOnly",
  "purgeInterval",
  "statsCollectInterval",
  "hashrateWindow",
  "hashrateLargeWindow",
  "luckWindow",
  "payments",
  "blocks",
  "charts",
  "uncertainty",
  "metrics",
  "statusPage",
]);

/**
 * Reads and validates a pool's config.json and reads its TLS files. Every problem is a
 * one-line {@link CliError} naming the file and, for a bad value, the field as written in
 * the file (`api.hashrateWindow: invalid duration "30x": …`).
 * @internal
 */
export async function readPoolConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedPoolConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read the config file ${path}: ${fileProblem(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  let config: PoolConfig;
  try {
    config = poolConfig(json, env);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new CliError(`${path}: ${error.message}`, 1, { cause: error });
    throw error;
  }
  return { ...config, tls: await tlsOptions(config.redis, dirname(path), path) };
}

/** Validates a parsed config.json. @throws {@link InvalidArgumentError} naming the field @internal */
export function poolConfig(json: unknown, env: NodeJS.ProcessEnv = {}): PoolConfig {
  const root = section("(the file)", json);
  if (typeof root.coin !== "string" || root.coin === "") {
    throw new InvalidArgumentError("coin", 'must be a non-empty string (the key prefix, e.g. "eth")');
  }
  const redis = section("redis", root.redis);
  const api = section("api", root.api);
  if (api.enabled !== undefined && typeof api.enabled !== "boolean") {
    throw new InvalidArgumentError("api.enabled", "must be true or false");
  }
  if (api.statusPage !== undefined && typeof api.statusPage !== "boolean") {
    throw new InvalidArgumentError("api.statusPage", "must be true or false");
  }
  try {
    resolveStatsCacheConfig(api as StatsCacheConfig);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    // Name the field as the file spells it.
    throw new InvalidArgumentError(`api.${error.path}`, error.reason, { cause: error });
  }
  const ignored: IgnoredField[] = [];
  const used: string[] = [];
  for (const field of Object.keys(redis)) {
    if ((REDIS_FIELDS as readonly string[]).includes(field)) used.push(`redis.${field}`);
    else
      ignored.push({
        field: `redis.${field}`,
        why: IGNORED_REDIS_FIELDS[field] ?? "not a setting of the original or of serve",
      });
  }
  for (const field of Object.keys(api)) {
    if (API_FIELDS.has(field)) used.push(`api.${field}`);
    else ignored.push({ field: `api.${field}`, why: "not a setting of the original or of serve" });
  }
  return {
    prefix: root.coin,
    redis: redisConfig(redis, env),
    api: api as StatsCacheConfig,
    enabled: api.enabled as boolean | undefined,
    listen: parseHostPort("api.listen", api.listen),
    metrics: metricsConfig(api.metrics),
    used,
    ignored,
    statusPage: api.statusPage === true,
  };
}

function metricsConfig(value: unknown): MetricsConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { listen: undefined };
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { listen, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw new InvalidArgumentError(`api.metrics.${extra}`, "is not a metrics setting (listen)");
    return { listen: listen === undefined ? undefined : parseHostPort("api.metrics.listen", listen) };
  }
  throw new InvalidArgumentError("api.metrics", 'must be true, false or { "listen": "host:port" }');
}

function section(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(name, "must be an object");
  }
  return value as Record<string, unknown>;
}

/** Reads `redis.tls`'s files (relative paths from the config file's folder). */
async function tlsOptions(redis: RedisConfig, base: string, path: string): Promise<ConnectionOptions | undefined> {
  const { tls } = redis;
  if (tls === undefined) return undefined;
  const options: ConnectionOptions = {};
  for (const field of ["ca", "cert", "key"] as const) {
    const file = tls[field];
    if (file === undefined) continue;
    try {
      options[field] = await readFile(resolve(base, file));
    } catch (error) {
      throw new CliError(`${path}: redis.tls.${field}: cannot read ${file}: ${fileProblem(error)}`);
    }
  }
  if (tls.servername !== undefined) options.servername = tls.servername;
  if (tls.rejectUnauthorized !== undefined) options.rejectUnauthorized = tls.rejectUnauthorized;
  return options;
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code ?? error);
}
