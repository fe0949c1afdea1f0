import { PoolStatsError, type PoolStatsErrorOptions } from "./pool-stats-error.js";

/**
 * Redis Cluster refused a command because its keys live in different hash slots
 * (`CROSSSLOT`, or ioredis's client-side check), or a single command would need keys
 * from several slots. Reads never cause this by themselves (they are split per slot);
 * it points at a key layout or client setting (e.g. ioredis `keyPrefix`) the library
 * cannot route.
 */
export class ClusterSlotError extends PoolStatsError {
  /** Which call failed, e.g. `"collectStats"`. */
  declare readonly operation: string;

  constructor(operation: string, message: string, options?: Omit<PoolStatsErrorOptions, "operation">) {
    super("ERR_CLUSTER_SLOTS", `${operation}: ${message}`, { ...options, operation });
  }
}
