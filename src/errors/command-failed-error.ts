import { PoolStatsError } from "./pool-stats-error.js";

/**
 * Redis refused a command of a write sequence (WRONGTYPE on a key of another type,
 * `ERR no such key` from a RENAME, an HINCRBY that would leave int64), or a WATCHed
 * transaction was aborted because the watched key changed.
 *
 * Like the original, a transaction is not rolled back when one of its commands fails:
 * Redis runs the others. `partial` says whether anything may have been written.
 */
export class CommandFailedError extends PoolStatsError {
  /** Which write failed, e.g. `"writeImmatureBlock"`. */
  readonly operation: string;
  /** The first refused command (name and arguments), or `undefined` when the transaction was aborted. */
  readonly command: readonly string[] | undefined;
  /** `true` when other commands of the same transaction ran (MULTI has no rollback). */
  readonly partial: boolean;

  constructor(
    operation: string,
    details: { command?: readonly string[]; partial: boolean; reason: string },
    options?: ErrorOptions,
  ) {
    const what = details.command === undefined ? "" : ` ${details.command.slice(0, 2).join(" ")}`;
    super("ERR_COMMAND_FAILED", `${operation}:${what} failed: ${details.reason}`, options);
    this.operation = operation;
    this.command = details.command;
    this.partial = details.partial;
  }
}
