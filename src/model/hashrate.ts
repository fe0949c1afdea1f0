import type { Seconds } from "../time/units.js";

/** Tuning of how a {@link HashrateWindow} reads the pool window. */
export interface HashrateWindowOptions {
  /**
   * Seconds before the previous collection's clock that every cycle reads again and
   * replaces, so shares stamped a little late (proxy clocks lagging, writes in flight,
   * equal scores written across two cycles) are never lost. This is the minimum: after a
   * cycle that needed a repair (a share stamped later than the overlap), the overlap
   * doubles, up to `maxOverlapSeconds`, then shrinks back by a second per clean cycle.
   * @defaultValue 5
   */
  readonly overlapSeconds?: number;
  /**
   * The largest the overlap grows to after repairs.
   * @defaultValue 120
   */
  readonly maxOverlapSeconds?: number;
  /**
   * When the held count disagrees with Redis's, this many seconds are re-read before
   * falling back to a full resync.
   * @defaultValue 300
   */
  readonly repairSeconds?: number;
  /**
   * Members per command in steady state. Redis spends about 1 µs per member, so 2,000
   * keeps each command near 2 ms.
   * @defaultValue 2000
   */
  readonly tailChunkSize?: number;
  /**
   * Members per command during a cold start or resync (about 3 ms of Redis each at 2,500;
   * smaller commands also keep less garbage alive in the client between GCs).
   * @defaultValue 2500
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
  /** Whether the held count matched `ZCOUNT` at the end (false only under concurrent late writes). */
  readonly verified: boolean;
  /** Shares held after the cycle (malformed ones included). */
  readonly held: number;
  /** The overlap (seconds) the next cycle will re-read. */
  readonly overlapSeconds: number;
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
}
