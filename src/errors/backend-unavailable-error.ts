import { PoolStatsError, type PoolStatsErrorOptions } from "./pool-stats-error.js";

/**
 * Redis could not answer: the connection is down or not yet ready, a command timed out,
 * or the server replied with an error that says it cannot serve now (`LOADING`, `BUSY`,
 * `MASTERDOWN`, `CLUSTERDOWN`, `TRYAGAIN`) or will not serve this client (`NOAUTH`,
 * `WRONGPASS`, `NOPERM`). A write that met a replica is a `ReadOnlyReplicaError`
 * instead, and a command Redis refused is a `CommandFailedError`. The original cause is
 * kept in `cause`, its Redis error code in `redisCode`.
 */
export class BackendUnavailableError extends PoolStatsError {
  /** Which call failed, e.g. `"collectStats"`. */
  declare readonly operation: string;

  constructor(operation: string, cause: unknown, options?: Pick<PoolStatsErrorOptions, "redisCode">) {
    super("ERR_BACKEND_UNAVAILABLE", `${operation}: Redis is unavailable: ${messageOf(cause)}`, {
      cause,
      operation,
      redisCode: options?.redisCode,
    });
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
