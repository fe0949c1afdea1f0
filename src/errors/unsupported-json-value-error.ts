import { PoolStatsError } from "./pool-stats-error.js";

/**
 * A value Go's `encoding/json` refuses (NaN, ±Infinity) or one that has no JSON form
 * (a function, a symbol). Go answers such a body with nothing at all; we throw instead.
 */
export class UnsupportedJsonValueError extends PoolStatsError {
  constructor(description: string) {
    super("ERR_UNSUPPORTED_JSON_VALUE", `json: unsupported value: ${description}`);
  }
}
