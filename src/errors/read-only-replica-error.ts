import { PoolStatsError } from "./pool-stats-error.js";

/**
 * A write was sent to a read-only replica (Redis answered `READONLY`). Only the purge
 * (`flushStaleStats`) and the writers write; give them a connection to the master.
 * Transient during a failover (the old master is demoted); permanent when the host
 * points a writer at a replica. The original reply is kept in `cause`.
 */
export class ReadOnlyReplicaError extends PoolStatsError {
  /** Which call failed, e.g. `"flushStaleStats"`. */
  declare readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(
      "ERR_READ_ONLY_REPLICA",
      `${operation}: Redis is a read-only replica; this call writes and needs the master`,
      {
        cause,
        operation,
        redisCode: "READONLY",
      },
    );
  }
}
