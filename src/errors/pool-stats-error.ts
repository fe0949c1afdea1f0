/**
 * Stable machine-readable codes carried by every error this library throws.
 *
 * Hosts should branch on `code`, never on the message text.
 */
export type PoolStatsErrorCode =
  | "ERR_INVALID_ARGUMENT"
  | "ERR_INVALID_DURATION"
  | "ERR_BACKEND_UNAVAILABLE"
  | "ERR_UNSUPPORTED_JSON_VALUE"
  | "ERR_CLUSTER_SLOTS"
  | "ERR_READ_ONLY_REPLICA"
  | "ERR_COMMAND_FAILED"
  | "ERR_PAYOUTS_LOCKED";

/** What every {@link PoolStatsError} may say besides its message. */
export interface PoolStatsErrorOptions extends ErrorOptions {
  /** The library call that failed, e.g. `"collectStats"`, `"new StatsCache"`. */
  readonly operation?: string | undefined;
  /** The code of the Redis error reply behind the failure (`"LOADING"`, `"WRONGPASS"`…), if any. */
  readonly redisCode?: string | undefined;
}

/**
 * Marks the library's errors on their prototype. `Symbol.for` is shared by every copy of
 * the library in a process (its ESM and CJS builds, or two versions in `node_modules`),
 * where `instanceof` sees one copy's class only.
 */
const BRAND = Symbol.for("open-pool-stats.error");

/**
 * Base class of every error thrown by open-pool-stats.
 *
 * @example
 * ```ts
 * try { await backend.collectStats("30m", 50, 30) }
 * catch (err) { if (isPoolStatsError(err) && err.code === "ERR_BACKEND_UNAVAILABLE") retryLater() }
 * ```
 */
export class PoolStatsError extends Error {
  /** A stable code naming the kind of failure. */
  readonly code: PoolStatsErrorCode;
  /** The library call that failed (`"collectStats"`, `"flushStaleStats"`, `"new StatsCache"`…), when known. */
  readonly operation: string | undefined;
  /**
   * The code Redis put first in its error reply (`"LOADING"`, `"NOAUTH"`, `"WRONGPASS"`,
   * `"READONLY"`, `"MOVED"`, `"CROSSSLOT"`, `"OOM"`, `"ERR"`…) when Redis answered with an
   * error; `undefined` when it did not answer at all (connection lost, timeout) or the
   * error is not about Redis.
   */
  readonly redisCode: string | undefined;

  constructor(code: PoolStatsErrorCode, message: string, options?: PoolStatsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.operation = options?.operation;
    this.redisCode = options?.redisCode;
  }
}
Object.defineProperty(PoolStatsError.prototype, BRAND, { value: true });

/**
 * Type guard: `true` when `value` is an error thrown by this library — by any copy of it
 * loaded in the process (the ESM and the CJS build can both be loaded, and their classes
 * differ), which `instanceof PoolStatsError` cannot promise.
 */
export function isPoolStatsError(value: unknown): value is PoolStatsError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
