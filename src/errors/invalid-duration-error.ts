import { InvalidArgumentError } from "./invalid-argument-error.js";
import type { PoolStatsErrorOptions } from "./pool-stats-error.js";

/**
 * A duration that is neither a non-negative finite number of milliseconds nor a string
 * Go's `time.ParseDuration` accepts (the original process panics on these at start-up):
 * an {@link InvalidArgumentError} under its own code. `path` names the setting the
 * duration came from (`"hashrateWindow"`, `"window"`), or is `"duration"`.
 */
export class InvalidDurationError extends InvalidArgumentError {
  /** The rejected input, as given. */
  readonly input: unknown;

  constructor(input: unknown, reason: string, options?: PoolStatsErrorOptions & { readonly path?: string }) {
    super(
      options?.path ?? "duration",
      `invalid duration ${describe(input)}: ${reason}`,
      options,
      "ERR_INVALID_DURATION",
    );
    this.input = input;
  }
}

function describe(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input);
  if (typeof input === "number" || typeof input === "bigint") return String(input);
  return `of type ${input === null ? "null" : typeof input}`;
}
