import type { ZsetWithScores } from "../convert/reply-shapes.js";
import { shareDiffEnd, shareId } from "../convert/share-member.js";
import { type ShareAggregate, startedAtOf } from "../convert/shares.js";
import { parseGoInt } from "../go/int.js";
import { parseScore, redisScore } from "../go/score.js";
import type { MalformedReason, MalformedSink } from "../model/malformed.js";
import { type ExactInt, toBigInt } from "./exact-sum.js";
import { LoginSeries } from "./login-series.js";

/**
 * The pool's hashrate window (`P:hashrate`) held in memory, compactly: per login, one
 * entry per second with the share count and difficulty sum. It answers exactly what the
 * original's `convertMinersStats` computes from a full read, while a collector feeds it
 * only what changed: new tails are appended (or re-read and replaced), shares that left
 * the window are evicted locally.
 *
 * Malformed members are kept as counted "phantoms" per second, so the held count always
 * equals what Redis's `ZCOUNT` says for the same range.
 * @internal
 */
export class ShareWindow {
  private readonly logins = new Map<string, LoginSeries>();
  private readonly phantoms = new LoginSeries();
  /** Every share held (phantoms too), per second, counts only: what verification compares with `ZCOUNT`s. */
  private readonly all = new LoginSeries();
  // Shared with the windows this one forks, so a member read again is still reported once.
  private readonly reported: Set<string>;

  /** @param reported - members already reported as malformed (a fork shares its parent's) */
  constructor(reported: Set<string> = new Set()) {
    this.reported = reported;
  }

  /** A new, empty window that reports malformed members only if this one has not: for a slice read again. */
  fork(): ShareWindow {
    return new ShareWindow(this.reported);
  }
  // Every share of a pool usually has the same difficulty text: parse it once.
  private lastDiffText = "";
  private lastDiff: ExactInt = 0;
  private lastScoreText: string | number = "";
  private lastScore: number | undefined;

  /** Shares held, malformed ones included: compare with `ZCOUNT P:hashrate <cutoff> +inf`. */
  get count(): number {
    return this.all.count;
  }

  /** Shares held with `from ≤ score < to` (malformed ones included): compare with `ZCOUNT P:hashrate from (to`. */
  countIn(from: number, to: number): number {
    return this.all.countIn(from, to);
  }

  /** Shares held with score ≥ `from`, `+inf` ones included: compare with `ZCOUNT P:hashrate from +inf`. */
  countFrom(from: number): number {
    return this.all.count - this.all.countIn(Number.NEGATIVE_INFINITY, from);
  }

  /** Malformed members held (reported once each, counted while in the window). */
  get malformedCount(): number {
    return this.phantoms.count;
  }

  /** (login, second) entries held: the memory the window costs. */
  get entries(): number {
    let total = this.phantoms.entries + this.all.entries;
    for (const series of this.logins.values()) total += series.entries;
    return total;
  }

  /** Logins with at least one share held. */
  get size(): number {
    return this.logins.size;
  }

  /**
   * Adds the shares of a `P:hashrate` WITHSCORES reply (`diff:login:worker:ms`). A member
   * the original could not read is held as a phantom and reported once to `onMalformed`.
   */
  addReply(reply: ZsetWithScores, onMalformed: MalformedSink): void {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const member = String(reply[i]);
      const rawScore = reply[i + 1] as string | number;
      // Hundreds of shares share each second: parse a score text once.
      let score: number | undefined;
      if (rawScore === this.lastScoreText) score = this.lastScore;
      else {
        score = parseScore(rawScore);
        this.lastScoreText = rawScore;
        this.lastScore = score;
      }
      if (score === undefined) {
        this.phantom(phantomSecond(rawScore), member, "bad-score", onMalformed);
        continue;
      }
      const cut = shareDiffEnd(member);
      if (cut < 0) {
        this.phantom(score, member, "too-few-fields", onMalformed);
        continue;
      }
      // The pool's usual difficulty ("2000000000") is recognised without a substring.
      let diff: ExactInt | undefined = this.lastDiff;
      if (cut === 0 || cut !== this.lastDiffText.length || !member.startsWith(this.lastDiffText)) {
        diff = this.diffOf(member.slice(0, cut));
        if (diff === undefined) {
          this.phantom(score, member, "not-an-integer", onMalformed);
          continue;
        }
      }
      this.addShare(shareId(member, cut), score, diff);
    }
  }

  /**
   * Adds one share already split: what a decoder that reads reply bytes itself calls
   * (see {@link ShareSink}). `second` is the original's integer score.
   */
  addShare(login: string, second: number, diff: ExactInt): void {
    this.seriesOf(login).add(second, diff);
    this.all.add(second, 0);
  }

  /** This window as a {@link ShareSink} for one read, reporting malformed members to `onMalformed`. */
  sink(onMalformed: MalformedSink): ShareSink {
    return {
      share: (login, second, diff) => this.addShare(login, second, diff),
      malformed: (second, member, reason) => this.phantom(second, member, reason, onMalformed),
      target: (login) => new CountedTarget(this.seriesOf(login), this.all),
    };
  }

  /**
   * Forgets the shares older than `cutoff` (the window slid) and those at or after `from`
   * (a tail about to be read again), in one pass over the series: what a read does first.
   */
  trim(cutoff: number, from: number): void {
    this.all.evictBefore(cutoff);
    this.all.truncateFrom(from);
    this.phantoms.evictBefore(cutoff);
    this.phantoms.truncateFrom(from);
    for (const [login, series] of this.logins) {
      series.evictBefore(cutoff);
      series.truncateFrom(from);
      if (series.empty) this.logins.delete(login);
    }
  }

  /** Forgets everything (before a full resync). */
  clear(): void {
    this.logins.clear();
    this.all.truncateFrom(Number.NEGATIVE_INFINITY);
    this.phantoms.truncateFrom(Number.NEGATIVE_INFINITY);
    this.reported.clear();
  }

  /**
   * Replaces what is held with `from ≤ score < to` by `part` (a {@link fork} that read that
   * slice again), touching only the logins whose entries differ.
   * @returns how many series (logins, plus the malformed members) were corrected
   */
  replaceRange(from: number, to: number, part: ShareWindow): number {
    let corrected = 0;
    for (const [login, series] of this.logins) {
      const fresh = part.logins.get(login);
      if (series.sliceEquals(from, to, fresh)) continue;
      corrected++;
      series.removeRange(from, to);
      if (fresh !== undefined) series.addAll(fresh);
      if (series.empty) this.logins.delete(login);
    }
    for (const [login, fresh] of part.logins) {
      if (this.logins.has(login)) continue;
      corrected++;
      const series = new LoginSeries();
      series.addAll(fresh);
      this.logins.set(login, series);
    }
    if (!this.phantoms.sliceEquals(from, to, part.phantoms)) {
      corrected++;
      this.phantoms.removeRange(from, to);
      this.phantoms.addAll(part.phantoms);
    }
    if (corrected > 0) {
      this.all.removeRange(from, to);
      this.all.addAll(part.all);
    }
    return corrected;
  }

  /**
   * The per-id aggregates the finalizers turn into the original's miners (or workers).
   * @param recentFrom - shares with score ≥ this also count in `recentSum` (the small
   *   window of an account's large one); by default every share does
   */
  aggregates(recentFrom = Number.NEGATIVE_INFINITY): Map<string, ShareAggregate> {
    const result = new Map<string, ShareAggregate>();
    const everything = recentFrom === Number.NEGATIVE_INFINITY;
    for (const [login, series] of this.logins) {
      const sum = toBigInt(series.sum);
      const recent = everything ? { count: series.count, sum } : series.totalsFrom(recentFrom);
      result.set(login, {
        sum,
        recentSum: toBigInt(recent.sum),
        shares: series.count,
        recentShares: recent.count,
        lastBeat: Math.max(0, series.lastSecond() ?? 0),
        startedAt: startedAtOf(series.firstSecond() ?? 0, series.firstPositiveSecond()),
      });
    }
    return result;
  }

  /** The series of `login`, made when it has none. */
  private seriesOf(login: string): LoginSeries {
    let series = this.logins.get(login);
    if (series === undefined) {
      series = new LoginSeries();
      this.logins.set(login, series);
    }
    return series;
  }

  private diffOf(text: string): ExactInt | undefined {
    // "" is also the cache's empty state: it must be parsed (and rejected), never served from it.
    if (text !== "" && text === this.lastDiffText) return this.lastDiff;
    const parsed = parseGoInt(text);
    if (parsed === undefined) return undefined;
    const value: ExactInt =
      parsed >= BigInt(Number.MIN_SAFE_INTEGER) && parsed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parsed) : parsed;
    this.lastDiffText = text;
    this.lastDiff = value;
    return value;
  }

  private phantom(second: number, member: string, reason: MalformedReason, onMalformed: MalformedSink): void {
    this.phantoms.add(second, 0);
    this.all.add(second, 0);
    // Tails are re-read every cycle: report each member once, not once per cycle.
    if (this.reported.has(member)) return;
    if (this.reported.size >= 10_000) this.reported.clear();
    this.reported.add(member);
    onMalformed(member, reason);
  }
}

/** A login's series in one read, keeping the window's per-second counts with it. */
class CountedTarget implements ShareTarget {
  constructor(
    private readonly series: LoginSeries,
    private readonly all: LoginSeries,
  ) {}

  add(second: number, diff: ExactInt): void {
    this.series.add(second, diff);
    this.all.add(second, 0);
  }
}

/**
 * Where a decoded share goes: a window's {@link ShareWindow.sink}, fed by whoever splits
 * the reply (the string path in {@link ShareWindow.addReply}, or a byte decoder).
 * @internal
 */
export interface ShareSink {
  /** One readable share: its id field (login), integer score and difficulty. */
  share(id: string, second: number, diff: ExactInt): void;
  /** One member the original cannot read, at `second` ({@link phantomSecond} for a bad score). */
  malformed(second: number, member: string, reason: MalformedReason): void;
  /**
   * Optional: where the shares of `id` go, for a decoder that resolves each login once per
   * read and then adds to it directly (`target(id).add(second, diff)` is `share(id, second,
   * diff)`). Valid for one read only: the window may drop it when it next evicts,
   * truncates or clears.
   */
  target?(id: string): ShareTarget;
}

/** The shares of one id in a window (see {@link ShareSink.target}). @internal */
export interface ShareTarget {
  add(second: number, diff: ExactInt): void;
}

/** Where a member with an unusable score sits in the score order (+inf stays forever). */
export function phantomSecond(rawScore: string | number): number {
  const value = redisScore(rawScore);
  return Number.isNaN(value) ? Number.POSITIVE_INFINITY : Math.trunc(value);
}
