import { formatDuration } from "../go/duration.js";
import type { FailureSummary } from "../redis/failure-summary.js";
import type { LogFields, Logger } from "./logger.js";
import { RepeatCollapser } from "./repeat-collapser.js";

/**
 * Error lines that survive an outage: each failure is logged with its code (Redis's own,
 * or the socket's) through a {@link RepeatCollapser}, so a run of the same failure is its
 * first line, then one line per interval with the count, then one line when it recovers.
 * @internal
 */
export class FailureLog {
  private readonly collapser: RepeatCollapser;

  /**
   * @param intervalMs - the least time between two lines of one kind (0: every failure)
   * @param now - the clock (the CLI's real one; tests give their own)
   */
  constructor(
    private readonly log: Logger,
    intervalMs: number,
    now: () => number = Date.now,
  ) {
    this.collapser = new RepeatCollapser(intervalMs, now);
  }

  /** A failure of `group` (`"connection"`, `"collect"`, `"purge"`…): `text: message`, collapsed. */
  failed(group: string, text: string, failure: FailureSummary, fields: LogFields = {}): void {
    const decision = this.collapser.note(group, failure.code);
    if (!decision.log) return;
    const repeats =
      decision.total === 1
        ? ""
        : ` (repeated: ${decision.folded + 1} times since the last line, ${decision.total} in ${formatDuration(decision.sinceMs)})`;
    this.log.error(`${text}: ${failure.message}${repeats}`, {
      ...fields,
      code: failure.code,
      ...(failure.redisCode === undefined ? {} : { redisCode: failure.redisCode }),
      ...(decision.total === 1 ? {} : { repeated: decision.folded + 1, total: decision.total }),
    });
  }

  /** Whether `group` has failed since it last recovered. */
  failing(group: string): boolean {
    return this.collapser.failing(group);
  }

  /**
   * `group` works again: logs `text` at info with how long and how often it failed (when it
   * did), and returns whether it had been failing.
   */
  recovered(group: string, text: string, fields: LogFields = {}): boolean {
    const runs = this.collapser.end(group);
    if (runs.length === 0) return false;
    const total = runs.reduce((sum, run) => sum + run.total, 0);
    const longest = Math.max(...runs.map((run) => run.durationMs));
    const codes = runs.map((run) => `${run.code} ×${run.total}`).join(", ");
    this.log.info(
      `${text} after ${formatDuration(longest)} (${total} ${total === 1 ? "failure" : "failures"}: ${codes})`,
      {
        ...fields,
        failures: total,
        codes: runs.map((run) => run.code),
      },
    );
    return true;
  }
}
