import type { Seconds } from "../time/units.js";

/** Tuning of how a {@link HashrateWindow} reads the pool window. */
export interface HashrateWindowOptions {
  /**
   * Seconds before the previous read's clock that every read checks second by second (a
   * `ZCOUNT` each, with its last page), reading again only the seconds whose count changed:
   * shares stamped a little late (proxy clocks lagging, writes in flight) are never lost.
   * The previous read's last second is always read again. This is the minimum: after a
   * read that found a late share, the overlap doubles, up to `maxOverlapSeconds`, then
   * shrinks back by a second per clean read.
   * @defaultValue 5
   */
  readonly overlapSeconds?: number;
  /**
   * The largest the overlap grows to after repairs.
   * @defaultValue 120
   */
  readonly maxOverlapSeconds?: number;
  /**
   * The rolling verification's bound, in seconds of the clock: after each read the window
   * reads a slice of what it holds again and replaces what differs, sized so the whole
   * window is read again within this time. A change that keeps every count (a share
   * replaced by another at the same score) is corrected within this bound plus one read
   * interval; a change of any count, in the read that follows it. 0 turns the rolling
   * verification off (counts are still compared every read). Its cost: the window's
   * members once per `verifySeconds` (a 30 min window at the default: about 7 × the
   * steady tail read, spread over the reads, run after each read has delivered its result).
   * @defaultValue 300
   */
  readonly verifySeconds?: number;
  /**
   * Members per command in steady state. Redis spends about 1 µs per member, so 2,000
   * keeps each command near 2 ms.
   * @defaultValue 2000
   */
  readonly tailChunkSize?: number;
  /**
   * Members per command during a cold start or resync: a slice read with its scores costs
   * Redis about 1.2 µs per member on a live pool's ZSET (formatting each score), so 1,500
   * keeps each command near 2 ms even with cold caches; dense slices read a second at a
   * time without scores cost a fifth of that.
   * @defaultValue 1500
   */
  readonly resyncChunkSize?: number;
}

/** How one read of the pool window went, for metrics and benchmarks. */
export interface HashrateReadReport {
  /** `"cold"` (first read or clock went back), `"tail"` (steady state), `"repair"`, `"resync"`. */
  readonly mode: "cold" | "tail" | "repair" | "resync";
  /** Members read from Redis in this cycle. */
  readonly membersRead: number;
  /** Read commands sent. */
  readonly commands: number;
  /** Members of the largest single reply. */
  readonly largestReply: number;
  /**
   * Whether the held counts matched Redis's `ZCOUNT`s at the end: the whole window, the
   * tail and each bucket of the held part (false only when writers raced three reads).
   */
  readonly verified: boolean;
  /** Shares held after the cycle (malformed ones included). */
  readonly held: number;
  /** The overlap (seconds) the next cycle will re-read. */
  readonly overlapSeconds: number;
  /** Buckets of the held part that disagreed with Redis and were read again. */
  readonly repairedRanges: number;
  /** The rolling verification that ran after the previous read, if any. */
  readonly sweep?: HashrateSweepReport;
}

/** One step of the rolling verification: a slice of the held window read again. */
export interface HashrateSweepReport {
  /**
   * The slice, Unix seconds: `[from, to)`; a slice that reached the end of the held part
   * went on from the window's lower edge (a new pass), and then `to < from`.
   */
  readonly from: number;
  readonly to: number;
  /** Members read again. */
  readonly members: number;
  /** Read commands sent. */
  readonly commands: number;
  /** Series (ids) whose held shares differed from Redis's and were replaced: 0 when all was right. */
  readonly corrected: number;
  /** Whether the read failed (the slice is tried again after the next read). */
  readonly failed: boolean;
}

/**
 * The pool's hashrate window of one length, held in memory by the backend that made it
 * (`RedisStatsBackend.hashrateWindow`): what a host passes to `collectStats` for reads
 * that only bring the shares that changed. One per window length a host reads; it is
 * dropped with the host's reference.
 */
export interface HashrateWindow {
  /** The window it holds, in whole seconds. */
  readonly windowSeconds: Seconds;
  /** How its latest read went; `undefined` before the first. */
  readonly lastRead: HashrateReadReport | undefined;
  /** (login, second) entries held: what the window costs in memory (about 20 bytes each). */
  readonly entries: number;
  /** The latest step of its rolling verification; `undefined` before the first. */
  readonly lastSweep: HashrateSweepReport | undefined;
  /** Resolves when its reads and rolling verification so far have finished; never rejects. */
  settled(): Promise<void>;
}

/**
 * One account's shares (`P:hashrate:<login>`) over the large window, held in memory by the
 * backend that made it (`RedisStatsBackend.accountWindow`), for `collectWorkersStats`: its
 * first read fetches the large window in bounded chunks, later ones only what changed,
 * with the same verification as the pool's window. A `StatsCache` keeps one per cached
 * account, within its `maxAccountWindowEntries`.
 */
export interface AccountWindow extends HashrateWindow {
  /** The login, as given. */
  readonly login: string;
  /** The small window (the workers' `hr`), whole seconds; `windowSeconds` is the large one. */
  readonly smallWindowSeconds: Seconds;
}
