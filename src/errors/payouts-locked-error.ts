import { PoolStatsError } from "./pool-stats-error.js";

/**
 * `lockPayouts` found the payout lock (`P:payments:lock`) already held: another payout
 * runs, or a crashed one left its lock (the original never expires it). The message is
 * the original's error text.
 */
export class PayoutsLockedError extends PoolStatsError {
  /** The lock key, e.g. `"eth:payments:lock"`. */
  readonly key: string;

  constructor(key: string) {
    super("ERR_PAYOUTS_LOCKED", `Unable to acquire lock '${key}'`);
    this.key = key;
  }
}
