import { PoolStatsError } from "./pool-stats-error.js";

/**
 * A duration that is neither a non-negative finite number of milliseconds nor a string
 * Go's `time.ParseDuration` accepts (the original process panics on these at start-up).
 */
export class InvalidDurationError extends PoolStatsError {
  /** The rejected input, as given. */
  readonly input: unknown;

  constructor(input: unknown, reason: string) {
    super("ERR_INVALID_DURATION", `invalid duration ${describe(input)}: ${reason}`);
    this.input = input;
  }
}

function describe(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input);
  if (typeof input === "number" || typeof input === "bigint") return String(input);
  return `of type ${input === null ? "null" : typeof input}`;
}
