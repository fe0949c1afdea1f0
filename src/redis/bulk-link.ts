import type { ConnectionOptions } from "node:tls";
import { BulkConnection, type BulkEndpoint } from "./bulk-connection.js";
import type { RedisClient } from "./client.js";
import { isCluster } from "./exec.js";

/** Tuning of the bulk connection (`RedisStatsBackendOptions.bulkConnection`). */
export interface BulkConnectionOptions {
  /**
   * A single reply above this many bytes is refused with `CommandFailedError` (the read
   * fails; the connection is dropped and reopened by the next read). A slice of a cold
   * start is ~250 KB; only one second holding hundreds of thousands of shares comes near.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxReplyBytes?: number;
}

/** The defaults of {@link BulkConnectionOptions}. */
export const BULK_DEFAULTS = Object.freeze({ maxReplyBytes: 64 * 2 ** 20 });

/** How long reads keep to ioredis after the bulk connection could not be opened. */
const OPEN_RETRY_MS = 5_000;

/** ioredis's own default `connectTimeout`, used when the client has none. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Where a bulk connection for `client` would connect, from the client's own options, or
 * `undefined` when that is not known to be the same server: a `Cluster` (its nodes
 * move), Sentinel, or a custom `Connector`. Those keep every read on ioredis.
 * @internal
 */
export function bulkEndpointOf(client: RedisClient, options: BulkConnectionOptions = {}): BulkEndpoint | undefined {
  if (isCluster(client) || typeof client.options !== "object" || client.options === null) return undefined;
  const o = client.options as typeof client.options & {
    sentinels?: unknown[] | null;
    Connector?: unknown;
    path?: string;
    tls?: ConnectionOptions;
  };
  if ((Array.isArray(o.sentinels) && o.sentinels.length > 0) || o.Connector) return undefined;
  const connectTimeoutMs = o.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    host: o.host ?? "localhost",
    port: o.port ?? 6379,
    path: o.path,
    family: o.family,
    tls: o.tls,
    // ioredis leaves an absent username as null.
    username: typeof o.username === "string" && o.username !== "" ? o.username : undefined,
    password: typeof o.password === "string" ? o.password : undefined,
    db: o.db ?? 0,
    keyPrefix: o.keyPrefix ?? "",
    connectTimeoutMs,
    replyTimeoutMs: o.commandTimeout ?? connectTimeoutMs,
    maxReplyBytes: options.maxReplyBytes ?? BULK_DEFAULTS.maxReplyBytes,
  };
}

/**
 * The bulk connection of one backend: opened lazily by the first read that needs it,
 * reused by the next ones, replaced after a failure, ended by {@link BulkLink.close}.
 * When it cannot be opened the read goes through ioredis instead (it is an optimisation:
 * it never makes a read fail that ioredis would have served), and reads keep to ioredis
 * for `retryAfterMs` before one tries again (a server that times connections out must not
 * cost every read its connect timeout). A connection that failed while in use is
 * replaced by the next read at once.
 * @internal
 */
export class BulkLink {
  private connection: BulkConnection | undefined;
  private opening: Promise<BulkConnection | undefined> | undefined;
  private closed = false;
  /** `performance.now()` before which no open is tried (after a failed one). */
  private notBefore = 0;
  /** Why the latest open failed (for tests and diagnostics). */
  lastOpenError: unknown;
  /** Opens tried (for tests and diagnostics). */
  openAttempts = 0;

  constructor(
    readonly endpoint: BulkEndpoint,
    private readonly retryAfterMs = OPEN_RETRY_MS,
  ) {}

  /** The open connection, a new one, or `undefined` (closed, or it could not be opened lately). */
  acquire(): Promise<BulkConnection | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.connection?.usable) return Promise.resolve(this.connection);
    this.connection = undefined;
    if (this.opening === undefined && performance.now() < this.notBefore) return Promise.resolve(undefined);
    if (this.opening === undefined) this.openAttempts++;
    this.opening ??= BulkConnection.open(this.endpoint)
      .then(
        (connection) => {
          if (this.closed) {
            connection.close();
            return undefined;
          }
          this.connection = connection;
          return connection;
        },
        (error: unknown) => {
          this.lastOpenError = error;
          this.notBefore = performance.now() + this.retryAfterMs;
          return undefined;
        },
      )
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  /** Whether a connection is open now. */
  get open(): boolean {
    return this.connection?.usable ?? false;
  }

  /** Ends the connection; later reads go through ioredis. */
  close(): void {
    this.closed = true;
    this.connection?.close();
    this.connection = undefined;
  }
}
