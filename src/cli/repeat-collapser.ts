/** What a {@link RepeatCollapser} says about one failure. */
export type RepeatDecision =
  /** Log it: the first of its kind, or the first after an interval (with the count folded since the previous line). */
  | { readonly log: true; readonly folded: number; readonly total: number; readonly sinceMs: number }
  /** Count it only: a line of this kind was written less than an interval ago. */
  | { readonly log: false };

/** A run of one kind of failure that ended (its group recovered), with what was not logged yet. */
export interface EndedRun {
  /** The kind's code (`"WRONGPASS"`, `"ECONNREFUSED"`…), as given to `note`. */
  readonly code: string;
  /** Failures of the run, logged or not. */
  readonly total: number;
  /** Failures since the last line written for it (0: everything was logged). */
  readonly folded: number;
  /** From the first failure of the run to its end, ms. */
  readonly durationMs: number;
}

interface Run {
  readonly startedAt: number;
  lastLineAt: number;
  folded: number;
  total: number;
}

/**
 * Keeps a Redis outage from flooding the log: of failures of one kind — a `group` (what
 * failed: "connection", "collect", "purge"…) and a `code` (Redis's own `WRONGPASS`,
 * `LOADING`, `READONLY`, or the socket's `ECONNREFUSED`) — the first is logged, then at
 * most one line per `intervalMs` carrying how many were folded into it. A new code is a
 * new kind, logged at once: the cause changed. When the group recovers, `end(group)`
 * returns each run with what is left to say. Pure: the clock is given.
 *
 * An outage of N ms therefore writes at most `2 + N / intervalMs` lines per kind.
 * @internal
 */
export class RepeatCollapser {
  private readonly runs = new Map<string, Map<string, Run>>();

  /**
   * @param intervalMs - the least time between two lines of one kind; 0 logs every failure
   * @param now - the clock, epoch ms
   */
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one failure of (`group`, `code`) and says whether to write a line for it now. */
  note(group: string, code: string): RepeatDecision {
    const now = this.now();
    let runs = this.runs.get(group);
    if (runs === undefined) {
      runs = new Map();
      this.runs.set(group, runs);
    }
    const run = runs.get(code);
    if (run === undefined) {
      runs.set(code, { startedAt: now, lastLineAt: now, folded: 0, total: 1 });
      return { log: true, folded: 0, total: 1, sinceMs: 0 };
    }
    run.total++;
    if (now - run.lastLineAt < this.intervalMs) {
      run.folded++;
      return { log: false };
    }
    const decision = { log: true, folded: run.folded, total: run.total, sinceMs: now - run.startedAt } as const;
    run.folded = 0;
    run.lastLineAt = now;
    return decision;
  }

  /** Whether `group` has a run going (a failure since its last `end`). */
  failing(group: string): boolean {
    return (this.runs.get(group)?.size ?? 0) > 0;
  }

  /** Ends every run of `group` (it recovered); returns them, oldest first. */
  end(group: string): EndedRun[] {
    const runs = this.runs.get(group);
    if (runs === undefined) return [];
    this.runs.delete(group);
    const now = this.now();
    return [...runs].map(([code, run]) => ({
      code,
      total: run.total,
      folded: run.folded,
      durationMs: now - run.startedAt,
    }));
  }
}
