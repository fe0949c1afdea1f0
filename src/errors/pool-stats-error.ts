/**
 * Stable machine-readable codes carried by every error this library throws.
 *
 * Hosts should branch on `code`, never on the message text.
 */
export type PoolStatsErrorCode =
  | "ERR_INVALID_DURATION"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_INVALID_CONFIG"
  | "ERR_BACKEND_UNAVAILABLE"
  | "ERR_UNSUPPORTED_JSON_VALUE"
  | "ERR_CLUSTER_SLOTS"
  | "ERR_READ_ONLY_REPLICA"
  | "ERR_COMMAND_FAILED"
  | "ERR_PAYOUTS_LOCKED";

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

  constructor(code: PoolStatsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Type guard: `true` when `value` is any error thrown by this library. */
export function isPoolStatsError(value: unknown): value is PoolStatsError {
  return value instanceof PoolStatsError;
}
