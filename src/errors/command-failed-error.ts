import { PoolStatsError, type PoolStatsErrorOptions } from "./pool-stats-error.js";

/**
 * Redis refused a command (WRONGTYPE on a key of another type in a write sequence,
 * `ERR no such key` from a RENAME, an HINCRBY that would leave int64), or a WATCHed
 * transaction was aborted because the watched key changed.
 *
 * Like the original, a transaction is not rolled back when one of its commands fails:
 * Redis runs the others. `partial` says whether anything may have been written.
 */
export class CommandFailedError extends PoolStatsError {
  /** Which call failed, e.g. `"writeImmatureBlock"`. */
  declare readonly operation: string;
  /** The first refused command (name and arguments), or `undefined` when the transaction was aborted. */
  readonly command: readonly string[] | undefined;
  /** `true` when other commands of the same transaction ran (MULTI has no rollback). */
  readonly partial: boolean;

  constructor(
    operation: string,
    details: { command?: readonly string[]; partial: boolean; reason: string },
    options?: Omit<PoolStatsErrorOptions, "operation">,
  ) {
    const what = details.command === undefined ? "" : ` ${details.command.slice(0, 2).join(" ")}`;
    super("ERR_COMMAND_FAILED", `${operation}:${what} failed: ${details.reason}`, { ...options, operation });
    this.command = details.command;
    this.partial = details.partial;
  }
}
