import type { ShareAggregate } from "../convert/shares.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { HashrateReadReport, HashrateWindow, HashrateWindowOptions } from "../model/hashrate.js";
import type { MalformedSink } from "../model/malformed.js";
import type { BulkLink } from "../redis/bulk-link.js";
import type { RedisClient } from "../redis/client.js";
import type { CommandPlan, PlanReplies } from "../redis/plan.js";
import { readScoreRange } from "../redis/range-reader.js";
import type { Seconds } from "../time/units.js";
import { ShareReplyDecoder } from "../window/share-reply-decoder.js";
import { ShareWindow } from "../window/share-window.js";

/** {@link HashrateWindowOptions} with every default applied. @internal */
export type ResolvedHashrateWindowOptions = Required<HashrateWindowOptions>;

/** The defaults of {@link HashrateWindowOptions}, in one place. */
export const HASHRATE_WINDOW_DEFAULTS: ResolvedHashrateWindowOptions = Object.freeze({
  overlapSeconds: 5,
  maxOverlapSeconds: 120,
  repairSeconds: 300,
  tailChunkSize: 2000,
  resyncChunkSize: 2500,
});

/**
 * Validates the options and applies the defaults.
 * @throws {@link InvalidArgumentError} naming the first bad option (`hashrate.<name>`)
 * @internal
 */
export function resolveHashrateWindowOptions(options: HashrateWindowOptions = {}): ResolvedHashrateWindowOptions {
  const pick = (name: keyof HashrateWindowOptions, min: number): number => {
    const value = options[name] ?? HASHRATE_WINDOW_DEFAULTS[name];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`hashrate.${name}`, `must be an integer ≥ ${min}, got ${String(value)}`);
    }
    return value;
  };
  const overlapSeconds = pick("overlapSeconds", 0);
  return Object.freeze({
    overlapSeconds,
    maxOverlapSeconds: Math.max(overlapSeconds, pick("maxOverlapSeconds", 0)),
    repairSeconds: pick("repairSeconds", 0),
    tailChunkSize: pick("tailChunkSize", 1),
    resyncChunkSize: pick("resyncChunkSize", 1),
  });
}

/** What one {@link HashrateWindowReader.read} returns. @internal */
export interface HashrateWindowRead<H extends CommandPlan> {
  readonly aggregates: Map<string, ShareAggregate>;
  /** Malformed members currently in the window. */
  readonly malformed: number;
  /** Whether `P:hashrate` holds another Redis type (read as empty). */
  readonly wrongType: boolean;
  /** Replies of the commands that rode along with the first read. */
  readonly head: PlanReplies<H>;
  readonly report: HashrateReadReport;
}

/** Where a window reads from, and how: fixed by the backend that makes the window. @internal */
export interface HashrateWindowSource {
  readonly client: RedisClient;
  /** `P:hashrate`. */
  readonly key: string;
  /** MULTI per round trip, or plain pipelines (for replica reads); see `atomicReads`. */
  readonly atomic: boolean;
  readonly options: ResolvedHashrateWindowOptions;
  /** The backend's bulk connection for the middle of long reads, if it has one. */
  readonly bulk?: BulkLink | undefined;
}

/**
 * The pool's hashrate window (`P:hashrate`) of one length, held in memory and brought up
 * to date by each read, which fetches only the tail that can have changed: the shares
 * scored since the previous read, plus an overlap. Shares that left the window are
 * dropped locally; nothing is written to Redis. Made by `RedisStatsBackend.hashrateWindow`.
 *
 * Each read ends with a `ZCOUNT` of the window taken in the same MULTI as the last read;
 * when it disagrees with the held count (a share stamped later than the overlap, a flush,
 * a restart, someone else's trim), a longer tail is re-read, then the whole window, in
 * bounded chunks. The result is therefore the original's full read at the same instant.
 */
export class HashrateWindowReader implements HashrateWindow {
  private readonly shares = new ShareWindow();
  /** Decodes the bulk connection's replies from bytes into `shares`. */
  private readonly decoder = new ShareReplyDecoder();
  private lastNowS: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The overlap in use: grows after a repair, shrinks back while reads verify. */
  private overlapS: number;
  private report: HashrateReadReport | undefined;

  /** @internal */
  constructor(
    /** @internal */
    readonly source: HashrateWindowSource,
    readonly windowSeconds: Seconds,
  ) {
    this.overlapS = source.options.overlapSeconds;
  }

  get entries(): number {
    return this.shares.entries;
  }

  get lastRead(): HashrateReadReport | undefined {
    return this.report;
  }

  /**
   * Brings the window to `nowS` and returns the per-login aggregates, with the replies of
   * `head`, commands sent in the same MULTI as the first read (one atomic snapshot of
   * them and the window). Reads are queued: two never interleave on the same window.
   * @internal
   */
  read<H extends CommandPlan>(
    nowS: number,
    head: H,
    operation: string,
    onMalformed: MalformedSink,
  ): Promise<HashrateWindowRead<H>> {
    const run = this.queue.then(() => this.cycle(nowS, head, operation, onMalformed));
    this.queue = run.catch(() => {});
    return run;
  }

  private async cycle<H extends CommandPlan>(
    nowS: number,
    head: H,
    operation: string,
    onMalformed: MalformedSink,
  ): Promise<HashrateWindowRead<H>> {
    const { client, key, atomic, options } = this.source;
    const cutoff = nowS - this.windowSeconds;
    const warm = this.lastNowS !== undefined && nowS >= this.lastNowS;
    // Forget the state until this read succeeds: a failed read leaves it half-updated.
    const previous = this.lastNowS;
    this.lastNowS = undefined;
    let mode: HashrateReadReport["mode"] = warm ? "tail" : "cold";
    let from = warm ? Math.max(cutoff, (previous as number) - this.overlapS) : cutoff;
    if (!warm) this.shares.clear();

    let membersRead = 0;
    let commands = 0;
    let largestReply = 0;
    let headReplies: PlanReplies<H> | undefined;
    let verified = false;
    let wrongType = false;
    for (let attempt = 0; attempt < 3 && !verified; attempt++) {
      this.shares.truncateFrom(from);
      this.shares.evictBefore(cutoff);
      const result = await readScoreRange(client, {
        key,
        from,
        nowS,
        chunkSize: mode === "tail" ? options.tailChunkSize : options.resyncChunkSize,
        head: attempt === 0 ? head : ({} as H),
        tail: { held: ["zcount", key, String(cutoff), "+inf"] } as const,
        onChunk: (chunk) => this.shares.addReply(chunk, onMalformed),
        ...(this.source.bulk === undefined
          ? {}
          : { bulk: { link: this.source.bulk, sink: this.decoder.into(this.shares.sink(onMalformed)) } }),
        operation,
        atomic,
      });
      if (attempt === 0) headReplies = result.head;
      membersRead += result.members;
      commands += result.commands;
      largestReply = Math.max(largestReply, result.largestReply);
      wrongType = result.wrongType;
      const zcount = result.tail.held;
      const expected = result.wrongType ? 0 : zcount.ok ? Number(zcount.value) : Number.NaN;
      verified = expected === this.shares.count;
      if (!verified) {
        // A longer tail first (late shares are usually recent), then everything.
        mode = attempt === 0 && mode === "tail" ? "repair" : "resync";
        from = mode === "repair" ? Math.max(cutoff, nowS - options.repairSeconds) : cutoff;
        if (mode === "resync") this.shares.clear();
      }
    }
    // Unverified means writers raced us three times; the next read starts cold.
    this.lastNowS = verified ? nowS : undefined;
    // Shares arrive later than the overlap on this pool: widen it, or relax it again.
    if (mode === "repair") this.overlapS = Math.min(options.maxOverlapSeconds, Math.max(1, this.overlapS) * 2);
    else if (mode === "tail" && this.overlapS > options.overlapSeconds) this.overlapS--;
    this.report = {
      mode,
      membersRead,
      commands,
      largestReply,
      verified,
      held: this.shares.count,
      overlapSeconds: this.overlapS,
    };
    return {
      aggregates: this.shares.aggregates(),
      malformed: this.shares.malformedCount,
      wrongType,
      head: headReplies as PlanReplies<H>,
      report: this.report,
    };
  }
}
