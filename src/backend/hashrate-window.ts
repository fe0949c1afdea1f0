import type { MalformedSink } from "../convert/malformed.js";
import type { ShareAggregate } from "../convert/shares.js";
import type { CommandReply, RedisClient, RedisCommand } from "../redis/client.js";
import { readScoreRange } from "../redis/range-reader.js";
import { ShareWindow } from "../window/share-window.js";

/** Tuning of the incremental hashrate collection. */
export interface HashrateCollectorOptions {
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

/** How one collection of the window went, for metrics and benchmarks. */
export interface HashrateCycleReport {
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

/** What {@link HashrateCollector.collect} returns. @internal */
export interface HashrateCycle {
  readonly aggregates: Map<string, ShareAggregate>;
  /** Malformed members currently in the window. */
  readonly malformed: number;
  /** Whether `P:hashrate` holds another Redis type (read as empty). */
  readonly wrongType: boolean;
  /** Replies of the snapshot commands sent along with the first read. */
  readonly snapshotReplies: readonly CommandReply[];
  readonly report: HashrateCycleReport;
}

/**
 * Keeps one hashrate window (`P:hashrate`, `windowS` seconds) in memory and brings it up
 * to date each cycle by reading only the tail that can have changed: the shares scored
 * since the previous cycle, plus an overlap. Shares that left the window are dropped
 * locally; nothing is written to Redis.
 *
 * Each cycle ends with a `ZCOUNT` of the window taken in the same MULTI as the last read;
 * when it disagrees with the held count (a share stamped later than the overlap, a flush,
 * a restart, someone else's trim), a longer tail is re-read, then the whole window, in
 * bounded chunks. The result is therefore the original's full read at the same instant.
 * @internal
 */
export class HashrateCollector {
  private readonly window = new ShareWindow();
  private lastNowS: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly minOverlapS: number;
  private readonly maxOverlapS: number;
  /** The overlap in use: grows after a repair, shrinks back while cycles verify. */
  private overlapS: number;
  private readonly repairS: number;
  private readonly tailChunk: number;
  private readonly resyncChunk: number;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly windowS: number,
    options: HashrateCollectorOptions = {},
    /** MULTI per round trip, or plain pipelines (for replica reads); see `atomicReads`. */
    private readonly atomic = true,
  ) {
    this.minOverlapS = options.overlapSeconds ?? 5;
    this.maxOverlapS = Math.max(this.minOverlapS, options.maxOverlapSeconds ?? 120);
    this.overlapS = this.minOverlapS;
    this.repairS = options.repairSeconds ?? 300;
    this.tailChunk = options.tailChunkSize ?? 2000;
    this.resyncChunk = options.resyncChunkSize ?? 2500;
  }

  /** (login, second) entries held: what the window costs in memory. */
  get entries(): number {
    return this.window.entries;
  }

  /**
   * Brings the window to `nowS` and returns the per-login aggregates. Calls are queued:
   * two collections never interleave on the same window.
   */
  collect(nowS: number, snapshot: readonly RedisCommand[], onMalformed: MalformedSink): Promise<HashrateCycle> {
    const run = this.queue.then(() => this.cycle(nowS, snapshot, onMalformed));
    this.queue = run.catch(() => {});
    return run;
  }

  private async cycle(
    nowS: number,
    snapshot: readonly RedisCommand[],
    onMalformed: MalformedSink,
  ): Promise<HashrateCycle> {
    const cutoff = nowS - this.windowS;
    const warm = this.lastNowS !== undefined && nowS >= this.lastNowS;
    // Forget the state until this cycle succeeds: a failed read leaves it half-updated.
    const previous = this.lastNowS;
    this.lastNowS = undefined;
    let mode: HashrateCycleReport["mode"] = warm ? "tail" : "cold";
    let from = warm ? Math.max(cutoff, (previous as number) - this.overlapS) : cutoff;
    if (!warm) this.window.clear();

    let membersRead = 0;
    let commands = 0;
    let largestReply = 0;
    let snapshotReplies: readonly CommandReply[] = [];
    let verified = false;
    let wrongType = false;
    for (let attempt = 0; attempt < 3 && !verified; attempt++) {
      this.window.truncateFrom(from);
      this.window.evictBefore(cutoff);
      const result = await readScoreRange(this.client, {
        key: this.key,
        from,
        nowS,
        chunkSize: mode === "tail" ? this.tailChunk : this.resyncChunk,
        firstCommands: attempt === 0 ? snapshot : [],
        lastCommands: [["zcount", this.key, String(cutoff), "+inf"]],
        onChunk: (chunk) => this.window.addReply(chunk, onMalformed),
        operation: "collectStats",
        atomic: this.atomic,
      });
      if (attempt === 0) snapshotReplies = result.firstReplies;
      membersRead += result.members;
      commands += result.commands;
      largestReply = Math.max(largestReply, result.largestReply);
      const zcount = result.lastReplies[0];
      wrongType = result.wrongType;
      const expected = result.wrongType ? 0 : zcount?.ok ? Number(zcount.value) : Number.NaN;
      verified = expected === this.window.count;
      if (!verified) {
        // A longer tail first (late shares are usually recent), then everything.
        mode = attempt === 0 && mode === "tail" ? "repair" : "resync";
        from = mode === "repair" ? Math.max(cutoff, nowS - this.repairS) : cutoff;
        if (mode === "resync") this.window.clear();
      }
    }
    // Unverified means writers raced us three times; the next cycle starts cold.
    this.lastNowS = verified ? nowS : undefined;
    // Shares arrive later than the overlap on this pool: widen it, or relax it again.
    if (mode === "repair") this.overlapS = Math.min(this.maxOverlapS, Math.max(1, this.overlapS) * 2);
    else if (mode === "tail" && this.overlapS > this.minOverlapS) this.overlapS--;
    return {
      aggregates: this.window.aggregates(),
      malformed: this.window.malformedCount,
      wrongType,
      snapshotReplies,
      report: {
        mode,
        membersRead,
        commands,
        largestReply,
        verified,
        held: this.window.count,
        overlapSeconds: this.overlapS,
      },
    };
  }
}
