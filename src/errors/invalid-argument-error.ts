import { PoolStatsError } from "./pool-stats-error.js";

/**
 * An argument that would make the original divide by zero, panic or read nonsense:
 * a zero window, an empty luck window list, a negative row limit, an empty prefix.
 */
export class InvalidArgumentError extends PoolStatsError {
  /** The name of the offending argument, e.g. `"window"` or `"windows[2]"`. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super("ERR_INVALID_ARGUMENT", `${argument}: ${message}`);
    this.argument = argument;
  }
}
