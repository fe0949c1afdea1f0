import { PoolStatsError } from "./pool-stats-error.js";

/**
 * A setting of the `api` config section (or an option next to it) that the cache cannot
 * run with: a bad duration, a negative row count, a luck window of 0, a bound that is not
 * a number. Thrown by constructors, before any Redis command, so a broken config.json
 * fails at start-up with the field named (the original panics, or misbehaves silently).
 */
export class InvalidConfigError extends PoolStatsError {
  /** The offending field as written in config.json or the options, e.g. `"hashrateWindow"` or `"luckWindow[1]"`. */
  readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_INVALID_CONFIG", `${field}: ${message}`, options);
    this.field = field;
  }
}
