import type { ZsetWithScores } from "../convert/reply-shapes.js";
import type { ShareAggregate } from "../convert/shares.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type {
  HashrateReadReport,
  HashrateSweepReport,
  HashrateWindow,
  HashrateWindowOptions,
} from "../model/hashrate.js";
import type { MalformedSink } from "../model/malformed.js";
import type { BulkLink } from "../redis/bulk-link.js";
import type { RedisClient, RedisCommand } from "../redis/client.js";
import type { CommandPlan, PlanReplies } from "../redis/plan.js";
import { type BulkRangeRead, readScoreRange } from "../redis/range-reader.js";
import type { Seconds } from "../time/units.js";
import { ShareReplyDecoder } from "../window/share-reply-decoder.js";
import { ShareWindow } from "../window/share-window.js";

/** {@link HashrateWindowOptions} with every default applied. @internal */
export type ResolvedHashrateWindowOptions = Required<HashrateWindowOptions>;

/** The defaults of {@link HashrateWindowOptions}, in one place. */
export const HASHRATE_WINDOW_DEFAULTS: ResolvedHashrateWindowOptions = Object.freeze({
  overlapSeconds: 5,
  maxOverlapSeconds: 120,
  verifySeconds: 300,
  tailChunkSize: 2000,
  resyncChunkSize: 1500,
});

/**
 * How many buckets the held part of a window is counted in, every read: a change that
 * alters one bucket's count (a late share, a trim, a member re-scored across buckets) is
 * seen and repaired in the same read. 60 `ZCOUNT`s cost Redis well under a millisecond.
 */
export const VERIFY_BUCKETS = 60;

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
    verifySeconds: pick("verifySeconds", 0),
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
  /** `P:hashrate`, or an account's `P:hashrate:<login>`. */
  readonly key: string;
  /** MULTI per round trip, or plain pipelines (for replica reads); see `atomicReads`. */
  readonly atomic: boolean;
  readonly options: ResolvedHashrateWindowOptions;
  /** The backend's bulk connection for the middle of long reads, if it has one. */
  readonly bulk?: BulkLink | undefined;
}

/** A score range `[from, to)` to read again and replace. */
interface Range {
  readonly from: number;
  readonly to: number;
}

/** What a read's verification compared, and what disagreed. */
interface Verification {
  readonly verified: boolean;
  /** Bounded ranges of the held part whose counts disagree. */
  readonly stale: Range[];
  /** Whether the whole window must be read again (a count that could not be read). */
  readonly resync: boolean;
}

/**
 * A window of shares (`P:hashrate`, or an account's `P:hashrate:<login>`) of one length,
 * held in memory and brought up to date by each read, which fetches only the tail that can
 * have changed: the shares scored since the previous read, plus an overlap. Shares that
 * left the window are dropped locally; nothing is written to Redis. Made by
 * `RedisStatsBackend.hashrateWindow` and `accountWindow`.
 *
 * **Verification.** Each read ends with `ZCOUNT`s taken in the same MULTI as its last
 * page: the whole window, the re-read tail, and the held part in {@link VERIFY_BUCKETS}
 * buckets. A bucket that disagrees (a share stamped later than the overlap, a member
 * re-scored, another process's trim) is read again and replaced, then everything is
 * counted again; a second disagreement reads the whole window in bounded chunks. So a
 * verified read is the original's full read at that instant, bucket for bucket.
 *
 * **Rolling verification.** A change that keeps every bucket's count (a member replaced
 * by another at the same score, a re-score inside one bucket) cannot be counted. After
 * each verified read, once the result is delivered, the window therefore reads a slice of
 * its held part again and replaces what differs, moving on each time, sized so the whole
 * window is read again within `verifySeconds` of clock time. Any change, count-neutral
 * included, is corrected within `verifySeconds` plus one read interval.
 */
export class HashrateWindowReader implements HashrateWindow {
  private readonly shares = new ShareWindow();
  /** Decodes the bulk connection's replies from bytes into `shares`. */
  private readonly decoder = new ShareReplyDecoder();
  private lastNowS: number | undefined;
  /** The previous read's tail start: the held part below it is settled, what the sweep re-reads. */
  private settledTo = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The overlap in use: grows after a repair, shrinks back while reads verify. */
  private overlapS: number;
  private report: HashrateReadReport | undefined;
  private sweepReport: HashrateSweepReport | undefined;
  /** Where the next sweep slice starts (absolute seconds); `undefined`: at the window's lower edge. */
  private sweepFrom: number | undefined;

  /**
   * @param recentSeconds - an account window's small window: shares in its last
   *   `recentSeconds` also count in `recentSum` (the workers' `hr`); by default all do
   * @internal
   */
  constructor(
    /** @internal */
    readonly source: HashrateWindowSource,
    readonly windowSeconds: Seconds,
    private readonly recentSeconds?: Seconds,
  ) {
    this.overlapS = source.options.overlapSeconds;
  }

  get entries(): number {
    return this.shares.entries;
  }

  get lastRead(): HashrateReadReport | undefined {
    return this.report;
  }

  get lastSweep(): HashrateSweepReport | undefined {
    return this.sweepReport;
  }

  /**
   * Resolves once every read and rolling verification queued so far has finished (never
   * rejects): for a host that wants Redis quiet, e.g. before closing its connection.
   */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /**
   * Brings the window to `nowS` and returns the per-id aggregates, with the replies of
   * `head`, commands sent in the same MULTI as the first read (one atomic snapshot of
   * them and the window). Reads are queued: two never interleave on the same window. The
   * rolling verification runs after the read resolves, in the same queue.
   * @internal
   */
  read<H extends CommandPlan>(
    nowS: number,
    head: H,
    operation: string,
    onMalformed: MalformedSink,
  ): Promise<HashrateWindowRead<H>> {
    const run = this.queue.then(() => this.cycle(nowS, head, operation, onMalformed));
    // Its own failures are recorded in the sweep report: it never rejects.
    const swept = run.then(
      (read) => this.sweep(nowS, read.report, onMalformed),
      () => undefined,
    );
    this.queue = swept;
    return run;
  }

  private async cycle<H extends CommandPlan>(
    nowS: number,
    head: H,
    operation: string,
    onMalformed: MalformedSink,
  ): Promise<HashrateWindowRead<H>> {
    const { options } = this.source;
    const cutoff = nowS - this.windowSeconds;
    const warm = this.lastNowS !== undefined && nowS >= this.lastNowS;
    // Forget the state until this read succeeds: a failed read leaves it half-updated.
    const previous = this.lastNowS;
    this.lastNowS = undefined;
    let mode: HashrateReadReport["mode"] = warm ? "tail" : "cold";
    // The tail read again: the previous read's last second too (shares of it written after
    // that read); the overlap below it is checked second by second, and read again where a
    // count changed.
    const from = warm ? Math.max(cutoff, (previous as number) - 1) : cutoff;
    const fineFrom = warm ? Math.max(cutoff, Math.min(from, (previous as number) - this.overlapS)) : cutoff;
    if (!warm) {
      this.shares.clear();
      this.sweepFrom = undefined;
    }
    const addChunk = (chunk: ZsetWithScores): void => this.shares.addReply(chunk, onMalformed);

    const stats = { membersRead: 0, commands: 0, largestReply: 0, repairedRanges: 0 };
    const count = (result: { members: number; commands: number; largestReply: number }): void => {
      stats.membersRead += result.members;
      stats.commands += result.commands;
      stats.largestReply = Math.max(stats.largestReply, result.largestReply);
    };
    let headReplies: PlanReplies<H> | undefined;
    let check: Verification = { verified: false, stale: [], resync: false };
    let wrongType = false;
    let tailFrom = from;
    let lateShares = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      // One pass over the series: what left the window, and the tail about to be read again.
      this.shares.trim(cutoff, tailFrom);
      // A repair first reads again the buckets that disagreed (old data: no tail plan).
      for (const range of check.stale) {
        count(await this.reread(range, nowS, operation, onMalformed));
      }
      const buckets = bucketRanges(cutoff, Math.min(fineFrom, tailFrom), tailFrom, this.windowSeconds);
      const result = await readScoreRange(this.source.client, {
        key: this.source.key,
        from: tailFrom,
        nowS,
        chunkSize: mode === "resync" || mode === "cold" ? options.resyncChunkSize : options.tailChunkSize,
        head: attempt === 0 ? head : ({} as H),
        // A steady tail is about as long as the previous one: its slices need not wait.
        ...(warm && attempt === 0 && this.tailMembers !== undefined ? { expected: this.tailMembers } : {}),
        tail: verificationPlan(this.source.key, cutoff, tailFrom, buckets),
        onChunk: addChunk,
        ...this.bulkInto(this.shares, onMalformed),
        operation,
        atomic: this.source.atomic,
      });
      if (attempt === 0) headReplies = result.head;
      this.tailMembers = result.members;
      count(result);
      wrongType = result.wrongType;
      check = this.verify(result.tail, result.wrongType, tailFrom, buckets);
      if (check.verified) break;
      if (attempt === 0 && !check.resync) {
        // The buckets that disagree, and the tail again (it is cheap, and carries the counts).
        if (mode === "tail") mode = "repair";
        stats.repairedRanges += check.stale.length;
        // A bucket just below the tail that gained shares: stamped later than the overlap.
        lateShares ||= check.stale.some((range) => range.to > fineFrom - options.maxOverlapSeconds);
      } else {
        mode = "resync";
        check = { verified: false, stale: [], resync: true };
        this.shares.clear();
        this.sweepFrom = undefined;
        tailFrom = cutoff;
      }
    }
    const verified = check.verified;
    // Unverified means writers raced us three times; the next read starts cold.
    this.lastNowS = verified ? nowS : undefined;
    this.settledTo = tailFrom;
    // Shares arrive later than the overlap on this pool: widen it, or relax it again.
    if (lateShares) this.overlapS = Math.min(options.maxOverlapSeconds, Math.max(1, this.overlapS) * 2);
    else if (mode === "tail" && this.overlapS > options.overlapSeconds) this.overlapS--;
    this.report = {
      mode,
      membersRead: stats.membersRead,
      commands: stats.commands,
      largestReply: stats.largestReply,
      verified,
      held: this.shares.count,
      overlapSeconds: this.overlapS,
      repairedRanges: stats.repairedRanges,
      ...(this.sweepReport === undefined ? {} : { sweep: this.sweepReport }),
    };
    const recentFrom = this.recentSeconds === undefined ? Number.NEGATIVE_INFINITY : nowS - this.recentSeconds;
    return {
      aggregates: this.shares.aggregates(recentFrom),
      malformed: this.shares.malformedCount,
      wrongType,
      head: headReplies as PlanReplies<H>,
      report: this.report,
    };
  }

  /**
   * Reads `range` of the held part again, into a fork of the window, and replaces what
   * differs: a repair's bucket, or a step of the rolling verification.
   */
  private async reread(range: Range, nowS: number, operation: string, onMalformed: MalformedSink) {
    const part = this.shares.fork();
    const result = await readScoreRange(this.source.client, {
      key: this.source.key,
      from: range.from,
      to: range.to,
      nowS,
      chunkSize: this.source.options.tailChunkSize,
      onChunk: (chunk) => part.addReply(chunk, onMalformed),
      ...this.bulkInto(part, onMalformed),
      operation,
      atomic: this.source.atomic,
    });
    return { ...result, corrected: this.shares.replaceRange(range.from, range.to, part) };
  }

  /** The bulk path of a read into `window` (this one, or a fork for a slice read again), if there is one. */
  private bulkInto(window: ShareWindow, onMalformed: MalformedSink): { bulk?: BulkRangeRead } {
    const link = this.source.bulk;
    return link === undefined ? {} : { bulk: { link, sink: this.decoder.into(window.sink(onMalformed)) } };
  }

  /** Compares the counts Redis gave with the ones held. */
  private verify(
    replies: PlanReplies<CommandPlan>,
    wrongType: boolean,
    tailFrom: number,
    buckets: readonly Range[],
  ): Verification {
    const counted = (name: string): number => {
      if (wrongType) return 0;
      const reply = replies[name];
      return reply?.ok === true ? Number(reply.value) : Number.NaN;
    };
    // The buckets and the tail cover [cutoff, +inf): when they match, so does the total.
    const total = counted("held");
    const fresh = replies.fresh === undefined ? total : counted("fresh");
    if (Number.isNaN(total) || Number.isNaN(fresh)) return { verified: false, stale: [], resync: true };
    const stale: Range[] = [];
    buckets.forEach((range, i) => {
      const expected = counted(`bucket${i}`);
      if (Number.isNaN(expected)) stale.push(range);
      else if (expected !== this.shares.countIn(range.from, range.to)) stale.push(range);
    });
    const tailMatches = fresh === this.shares.countFrom(tailFrom);
    const totalMatches = total === this.shares.count;
    if (stale.length === 0 && tailMatches) return { verified: totalMatches, stale, resync: !totalMatches };
    return { verified: false, stale, resync: false };
  }

  /**
   * The rolling verification: reads one slice of the settled part again and replaces what
   * differs. The slice is `Δ·(1 + window/verifySeconds)` seconds for a read `Δ` seconds
   * after the previous one, so the sweep gains a whole window on the sliding window every
   * `verifySeconds`. Never rejects: a failure is recorded, and the slice is tried again.
   */
  private async sweep(nowS: number, read: HashrateReadReport, onMalformed: MalformedSink): Promise<void> {
    const { verifySeconds } = this.source.options;
    const previous = this.sweptAt;
    this.sweptAt = nowS;
    if (verifySeconds === 0 || !read.verified || read.mode === "cold" || read.mode === "resync") return;
    if (previous === undefined || nowS <= previous) return;
    const cutoff = nowS - this.windowSeconds;
    const interval = Math.min(nowS - previous, verifySeconds);
    let width = Math.ceil(interval * (1 + this.windowSeconds / verifySeconds));
    let from = Math.max(this.sweepFrom ?? cutoff, cutoff);
    if (from >= this.settledTo) from = cutoff;
    // The slice, cut where the settled part ends and continued from its lower edge (a new pass).
    const ranges: Range[] = [];
    while (width > 0 && ranges.length < 2) {
      const to = Math.min(from + width, this.settledTo);
      if (to <= from) break;
      ranges.push({ from, to });
      width -= to - from;
      from = to >= this.settledTo ? cutoff : to;
    }
    if (ranges.length === 0) return;
    const last = ranges[ranges.length - 1] as Range;
    const report = {
      from: (ranges[0] as Range).from,
      to: last.to,
      members: 0,
      commands: 0,
      corrected: 0,
      failed: false,
    };
    try {
      for (const range of ranges) {
        const result = await this.reread(range, nowS, "verifyWindow", onMalformed);
        report.corrected += result.corrected;
        report.members += result.members;
        report.commands += result.commands;
        this.sweepFrom = range.to;
      }
    } catch {
      report.failed = true;
    }
    this.sweepReport = report;
  }

  private sweptAt: number | undefined;
  /** Members of the previous read's tail: what the next one expects. */
  private tailMembers: number | undefined;
}

/**
 * The held part `[cutoff, tailFrom)` in the ranges its counts are checked by: cut at
 * multiples of `window / VERIFY_BUCKETS` seconds below `fineFrom` (absolute, so consecutive
 * reads count the same buckets), one second each from `fineFrom` on (the overlap, where late
 * shares land: only the seconds that changed are read again).
 */
function bucketRanges(cutoff: number, fineFrom: number, tailFrom: number, windowSeconds: number): Range[] {
  const ranges: Range[] = [];
  if (tailFrom <= cutoff) return ranges;
  const width = Math.max(1, Math.ceil(windowSeconds / VERIFY_BUCKETS));
  for (let at = cutoff; at < tailFrom; ) {
    const next = at >= fineFrom ? at + 1 : Math.min(fineFrom, (Math.floor(at / width) + 1) * width);
    ranges.push({ from: at, to: Math.min(next, tailFrom) });
    at = next;
  }
  return ranges;
}

/** The counts a read's last page carries: the window, the tail just read, each bucket of the held part. */
function verificationPlan(key: string, cutoff: number, tailFrom: number, buckets: readonly Range[]): CommandPlan {
  const plan: Record<string, RedisCommand> = { held: ["zcount", key, String(cutoff), "+inf"] };
  // A read of the whole window: its tail is the window.
  if (tailFrom > cutoff) plan.fresh = ["zcount", key, String(tailFrom), "+inf"];
  buckets.forEach((range, i) => {
    plan[`bucket${i}`] = ["zcount", key, String(range.from), `(${range.to}`];
  });
  return plan;
}
