import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { formatHostPort, type HostPort, parseHostPort } from "./host-port.js";

/** TLS as config.json asks for it: file paths (resolved against the config file's folder). @internal */
export interface TlsConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** The name the certificate must carry, when it is not the host connected to. */
  readonly servername?: string;
  /** `false` accepts any certificate (a test set-up, never production). @defaultValue true */
  readonly rejectUnauthorized?: boolean;
}

/** Where and how `serve` connects, from config.json's `redis` section and the environment. @internal */
export interface RedisConfig {
  /** One server, or the Cluster nodes to start from (`redis.cluster`). */
  readonly nodes: readonly HostPort[];
  readonly cluster: boolean;
  /** An ACL user (`redis.username`, `REDIS_USERNAME`, or the endpoint URL's); `undefined` for `default`. */
  readonly username: string | undefined;
  /** `""` for none. Never logged. */
  readonly password: string;
  /** Where the password came from, for the start-up line. */
  readonly passwordFrom: "REDIS_PASSWORD" | "redis.password" | "redis.endpoint" | undefined;
  readonly database: number;
  /** `undefined` without TLS; `{}` for a `rediss://` endpoint or `"tls": true` (the system's CAs). */
  readonly tls: TlsConfig | undefined;
}

/** The `redis` fields `serve` reads (the original's, then ours); any other is named as ignored. */
export const REDIS_FIELDS = ["endpoint", "password", "database", "username", "tls", "cluster"] as const;

/** The original's fields `serve` has no use for, and why. */
export const IGNORED_REDIS_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  poolSize: "one connection serves every read: they are pipelined",
});

/**
 * Reads config.json's `redis` section: the original's `endpoint` (`host:port`), `password`
 * and `database`, plus ours — an endpoint given as a `redis://` or `rediss://` URL (TLS),
 * `tls` (`true`, or CA/certificate/key files), `cluster` (a list of `host:port` nodes),
 * `username` — and the secrets from the environment (`REDIS_PASSWORD`, `REDIS_USERNAME`
 * win over the file).
 * @throws {@link InvalidArgumentError} naming the field as config.json spells it
 * @internal
 */
export function redisConfig(redis: Record<string, unknown>, env: NodeJS.ProcessEnv): RedisConfig {
  const url = endpointUrl(redis.endpoint);
  const cluster = redis.cluster;
  let nodes: HostPort[];
  if (cluster !== undefined) {
    if (!Array.isArray(cluster) || cluster.length === 0) {
      throw new InvalidArgumentError("redis.cluster", 'must be a non-empty list of "host:port" nodes');
    }
    nodes = cluster.map((node, i) => parseHostPort(`redis.cluster[${i}]`, node));
  } else if (url !== undefined) {
    nodes = [url.node];
  } else {
    nodes = [parseHostPort("redis.endpoint", redis.endpoint)];
  }
  const fileDatabase = redis.database;
  if (fileDatabase !== undefined && (!Number.isSafeInteger(fileDatabase) || (fileDatabase as number) < 0)) {
    throw new InvalidArgumentError("redis.database", "must be a non-negative integer");
  }
  const database = (fileDatabase as number | undefined) ?? url?.database ?? 0;
  if (cluster !== undefined && database !== 0) {
    throw new InvalidArgumentError(
      "redis.database",
      `must be 0 with redis.cluster (a Cluster has only database 0), got ${database}`,
    );
  }
  if (redis.password !== undefined && typeof redis.password !== "string") {
    throw new InvalidArgumentError("redis.password", "must be a string");
  }
  if (redis.username !== undefined && (typeof redis.username !== "string" || redis.username === "")) {
    throw new InvalidArgumentError("redis.username", "must be a non-empty string");
  }
  const [password, passwordFrom] = pick<RedisConfig["passwordFrom"] & string>([
    [env.REDIS_PASSWORD, "REDIS_PASSWORD"],
    [redis.password as string | undefined, "redis.password"],
    [url?.password, "redis.endpoint"],
  ]);
  const [username] = pick([
    [env.REDIS_USERNAME, "REDIS_USERNAME"],
    [redis.username as string | undefined, "redis.username"],
    [url?.username, "redis.endpoint"],
  ]);
  return {
    nodes,
    cluster: cluster !== undefined,
    username: username === "" ? undefined : username,
    password: password ?? "",
    passwordFrom,
    database,
    tls: tlsConfig(redis.tls, url?.tls ?? false),
  };
}

/** The endpoint as logs show it: scheme, host, port, database; never a password. @internal */
export function describeRedis(config: RedisConfig): string {
  const scheme = config.tls === undefined ? "redis" : "rediss";
  const user = config.username === undefined ? "" : `${encodeURIComponent(config.username)}@`;
  const nodes = config.nodes.map((node) => formatHostPort(node.host ?? "127.0.0.1", node.port));
  if (config.cluster) return `${scheme}://${user}${nodes.join(",")} (Cluster)`;
  return `${scheme}://${user}${nodes[0]}/${config.database}`;
}

/** The first value that is set, with where it came from. */
function pick<T extends string>(sources: readonly [string | undefined, T][]): [string | undefined, T | undefined] {
  for (const [value, from] of sources) if (value !== undefined && value !== "") return [value, from];
  return [undefined, undefined];
}

interface EndpointUrl {
  readonly node: HostPort;
  readonly tls: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly database: number | undefined;
}

/** A `redis://` or `rediss://` endpoint; `undefined` for the original's `host:port`. */
function endpointUrl(value: unknown): EndpointUrl | undefined {
  if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("redis.endpoint", "is not a valid URL"); // the value may hold a password
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new InvalidArgumentError(
      "redis.endpoint",
      `must be "host:port", redis://… or rediss://…, not ${url.protocol}//`,
    );
  }
  const path = url.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d+$/.test(path)) {
    throw new InvalidArgumentError("redis.endpoint", `the URL's path must be a database number, got "/${path}"`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    node: { host: host === "" ? undefined : host, port: url.port === "" ? 6379 : Number(url.port) },
    tls: url.protocol === "rediss:",
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
    database: path === "" ? undefined : Number(path),
  };
}

const TLS_FIELDS = new Set(["ca", "cert", "key", "servername", "rejectUnauthorized"]);

function tlsConfig(value: unknown, fromUrl: boolean): TlsConfig | undefined {
  if (value === undefined || value === false) return fromUrl ? {} : undefined;
  if (value === true) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError("redis.tls", "must be true, false or an object of ca/cert/key file paths");
  }
  const tls = value as Record<string, unknown>;
  for (const [field, item] of Object.entries(tls)) {
    if (!TLS_FIELDS.has(field)) {
      throw new InvalidArgumentError(
        `redis.tls.${field}`,
        "is not a TLS setting (ca, cert, key, servername, rejectUnauthorized)",
      );
    }
    const ok = field === "rejectUnauthorized" ? typeof item === "boolean" : typeof item === "string" && item !== "";
    if (!ok) {
      throw new InvalidArgumentError(
        `redis.tls.${field}`,
        field === "rejectUnauthorized" ? "must be true or false" : "must be a non-empty string",
      );
    }
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new InvalidArgumentError(
      `redis.tls.${tls.cert === undefined ? "cert" : "key"}`,
      "is needed with the other (a client certificate and its key)",
    );
  }
  return tls as TlsConfig;
}
