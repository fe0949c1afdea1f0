import { PoolStatsError } from "./pool-stats-error.js";

/**
 * Redis could not answer: the connection is down, a command timed out, or the server
 * replied with an error that is not about the data (e.g. `LOADING`, `READONLY`).
 * The original cause is kept in `cause`.
 */
export class BackendUnavailableError extends PoolStatsError {
  /** Which read failed, e.g. `"collectStats"`. */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super("ERR_BACKEND_UNAVAILABLE", `${operation}: Redis is unavailable: ${messageOf(cause)}`, {
      cause,
    });
    this.operation = operation;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
