import { readFile } from "node:fs/promises";
import { resolveStatsCacheConfig } from "../cache/cache-config.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { StatsCacheConfig } from "../model/config.js";
import { CliError } from "./cli-error.js";
import { type HostPort, parseHostPort } from "./host-port.js";

/** What `serve` takes from a pool's original config.json. @internal */
export interface PoolConfig {
  /** The top-level `coin`: the key prefix. */
  readonly prefix: string;
  readonly redis: {
    readonly endpoint: HostPort;
    readonly password: string;
    readonly database: number;
  };
  /** The `api` section, as is (validated by the same rules as `StatsCache`). */
  readonly api: StatsCacheConfig;
  /** `api.enabled`; `undefined` when the file does not say. */
  readonly enabled: boolean | undefined;
  /** `api.listen`, parsed. */
  readonly listen: HostPort;
  /** `api.statusPage`: serve the built-in status page at `/` (not in the original). */
  readonly statusPage: boolean;
}

/**
 * Reads and validates a pool's config.json. Every problem is a one-line {@link CliError}
 * naming the file and, for a bad value, the field as written in the file
 * (`api.hashrateWindow: invalid duration "30x": …`).
 * @internal
 */
export async function readPoolConfig(path: string): Promise<PoolConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code ?? error);
    throw new CliError(`cannot read the config file ${path}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return poolConfig(json);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new CliError(`${path}: ${error.message}`, 1, { cause: error });
    throw error;
  }
}

/** Validates a parsed config.json. @throws {@link InvalidArgumentError} naming the field @internal */
export function poolConfig(json: unknown): PoolConfig {
  const root = section("(the file)", json);
  if (typeof root.coin !== "string" || root.coin === "") {
    throw new InvalidArgumentError("coin", 'must be a non-empty string (the key prefix, e.g. "eth")');
  }
  const redis = section("redis", root.redis);
  const api = section("api", root.api);
  const password = redis.password ?? "";
  if (typeof password !== "string") throw new InvalidArgumentError("redis.password", "must be a string");
  const database = redis.database ?? 0;
  if (typeof database !== "number" || !Number.isSafeInteger(database) || database < 0) {
    throw new InvalidArgumentError("redis.database", "must be a non-negative integer");
  }
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
  return {
    prefix: root.coin,
    redis: { endpoint: parseHostPort("redis.endpoint", redis.endpoint), password, database },
    api: api as StatsCacheConfig,
    enabled: api.enabled as boolean | undefined,
    listen: parseHostPort("api.listen", api.listen),
    statusPage: api.statusPage === true,
  };
}

function section(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(name, "must be an object");
  }
  return value as Record<string, unknown>;
}
