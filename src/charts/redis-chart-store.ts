import {
  chartAverages,
  convertMinerChart,
  convertPoolChart,
  formatMinerChartMember,
  formatPoolChartMember,
} from "../convert/chart-members.js";
import { MalformedTally } from "../convert/malformed.js";
import { toZsetWithScores } from "../convert/reply-shapes.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { redisScore } from "../go/score.js";
import type { PoolKeys } from "../keys/pool-keys.js";
import type {
  ChartSampleReport,
  ChartSeries,
  ChartSettings,
  ChartStore,
  MinerCharts,
  PoolChartPoint,
  PoolCharts,
} from "../model/charts.js";
import type { MalformedEvent } from "../model/malformed.js";
import type { PoolStats } from "../model/results.js";
import type { RedisClient } from "../redis/client.js";
import { sendBatch, sendChecked } from "../redis/exec.js";
import { failureError, isWrongType } from "../redis/failure.js";
import { type ScriptCall, sendScriptBatch } from "../redis/script.js";
import { unixSeconds } from "../time/clock.js";
import { SAMPLE_SCRIPT } from "./chart-scripts.js";
import { SamplerLease } from "./sampler-lease.js";
import { readSeries, type SeriesContent } from "./series-reader.js";

/** Tuning of a {@link RedisChartStore}. */
export interface ChartStoreOptions {
  /**
   * Miner samples per pipeline: a sampling round of 20,000 miners is 40 pipelines of 500
   * one-key script calls, each a few milliseconds of Redis, the lease renewed before each.
   * @defaultValue 500
   */
  readonly batchSize?: number;
  /**
   * The most points a series read keeps (the newest): a bound on memory and body size
   * whatever a key holds. The default settings write at most 145 per series.
   * @defaultValue 10000
   */
  readonly maxPoints?: number;
}

/** The defaults of {@link ChartStoreOptions}. */
export const CHART_STORE_DEFAULTS = Object.freeze({ batchSize: 500, maxPoints: 10_000 } as const);

/**
 * Validates the options and applies the defaults.
 * @throws {@link InvalidArgumentError} naming the first bad option (`charts.batchSize`…)
 * @internal
 */
export function resolveChartStoreOptions(options: ChartStoreOptions = {}): Required<ChartStoreOptions> {
  return Object.freeze({
    batchSize: wholeNumber("charts.batchSize", options.batchSize ?? CHART_STORE_DEFAULTS.batchSize, 1),
    maxPoints: wholeNumber("charts.maxPoints", options.maxPoints ?? CHART_STORE_DEFAULTS.maxPoints, 1),
  });
}

/** Where and how a {@link RedisChartStore} works: fixed by the backend that makes it. @internal */
export interface ChartStoreSource {
  readonly client: RedisClient;
  readonly keys: PoolKeys;
  /** MULTI per read round trip, or plain pipelines (replica reads). */
  readonly atomic: boolean;
  /** Members per read command. */
  readonly chunkSize: number;
  readonly onMalformed: ((event: MalformedEvent) => void) | undefined;
}

const EMPTY_COUNTS = Object.freeze({});

/**
 * The chart series of one pool in etclabscore/open-etc-pool's layout (`P:charts:pool`,
 * `P:charts:miner:<login>`, the fork's members, trims and TTLs), read in bounded chunks
 * and sampled under a lease. Made by `RedisStatsBackend.chartStore`.
 *
 * Sampling differs from the fork on purpose: every miner with shares in the pool window
 * is sampled (the fork samples a miner only when its account page is viewed), from the
 * collection's own numbers (no extra read), in pipelines of `batchSize`; one instance
 * samples (the lease); and each write's gate is atomic with it (a script), so a restart,
 * a takeover or a race never writes two samples of a series within an interval. Miners
 * are written before the pool, whose sample therefore marks a finished round: a round cut
 * short is taken up again by the next turn, whoever holds the lease then.
 */
export class RedisChartStore implements ChartStore {
  readonly settings: ChartSettings;
  private readonly lease: SamplerLease;
  private readonly batchSize: number;
  private readonly maxPoints: number;
  /** The pool series as last read, and the probe that read it. */
  private pool: { signature: string; content: SeriesContent<PoolChartPoint> } | undefined;

  /**
   * @throws {@link InvalidArgumentError} for bad settings (`settings.intervalSeconds`…)
   * @internal
   */
  constructor(
    private readonly source: ChartStoreSource,
    settings: ChartSettings,
    options: Required<ChartStoreOptions> = resolveChartStoreOptions(),
  ) {
    const interval = wholeNumber("settings.intervalSeconds", settings?.intervalSeconds, 1);
    wholeNumber("settings.retentionSeconds", settings.retentionSeconds, interval);
    wholeNumber("settings.leaseMs", settings.leaseMs, 1);
    this.settings = Object.freeze({ ...settings });
    this.batchSize = options.batchSize;
    this.maxPoints = options.maxPoints;
    this.lease = new SamplerLease(source.client, source.keys.chartSampler(), settings.leaseMs);
  }

  /** Whether this store held the sampler lease at its latest turn. */
  get leader(): boolean {
    return this.lease.held;
  }

  async readPool(nowMs: number): Promise<PoolCharts> {
    const { client, keys, atomic } = this.source;
    const key = keys.poolChart();
    const tally = new MalformedTally(this.source.onMalformed);
    // A probe first: the series changes once per interval, so most reads reuse the last.
    const [card, top] = await sendBatch(
      client,
      [
        ["zcard", key],
        ["zrevrange", key, 0, 0, "WITHSCORES"],
      ],
      { operation: "readPoolCharts", transaction: atomic },
    );
    const failed = [card, top].find((reply) => reply === undefined || !reply.ok);
    if (failed !== undefined && (failed.ok || !isWrongType(failed.error))) {
      throw failureError("readPoolCharts", failed.ok ? new Error("missing reply") : failed.error);
    }
    // Undefined when the key holds another type: read as empty, never kept.
    const signature =
      card?.ok && top?.ok ? `${String(card.value)} ${String(toZsetWithScores(top.value) ?? "")}` : undefined;
    let content = this.pool?.signature === signature && signature !== undefined ? this.pool?.content : undefined;
    if (content !== undefined) tally.record(key, content.malformed);
    else {
      content =
        signature === undefined
          ? { points: [], dropped: 0, malformed: 0, wrongType: true }
          : await readSeries(client, {
              key,
              convert: convertPoolChart,
              nowS: unixSeconds(nowMs),
              chunkSize: this.source.chunkSize,
              maxPoints: this.maxPoints,
              atomic,
              operation: "readPoolCharts",
              onMalformed: tally.sink(key),
            });
      this.pool = signature === undefined ? undefined : { signature, content };
    }
    if (content.wrongType) tally.add(key, "", "wrong-type");
    return series(content, nowMs, tally);
  }

  async readMiner(login: string, nowMs: number): Promise<MinerCharts> {
    if (typeof login !== "string" || login === "")
      throw new InvalidArgumentError("login", "must be a non-empty string");
    const key = this.source.keys.minerChart(login);
    const tally = new MalformedTally(this.source.onMalformed);
    const content = await readSeries(this.source.client, {
      key,
      convert: convertMinerChart,
      nowS: unixSeconds(nowMs),
      chunkSize: this.source.chunkSize,
      maxPoints: this.maxPoints,
      atomic: this.source.atomic,
      operation: "readMinerCharts",
      onMalformed: tally.sink(key),
    });
    if (content.wrongType) tally.add(key, "", "wrong-type");
    return series(content, nowMs, tally);
  }

  async sample(stats: PoolStats): Promise<ChartSampleReport> {
    const operation = "sampleCharts";
    const { client, keys } = this.source;
    const { intervalSeconds, retentionSeconds } = this.settings;
    const at = unixSeconds(stats.now);
    const tally = new MalformedTally(this.source.onMalformed);
    const report = {
      outcome: "not-leader",
      leader: false,
      acquired: false,
      at,
      pool: false,
      miners: 0,
      minersSkipped: 0,
      batches: 0,
    };
    const done = (outcome: ChartSampleReport["outcome"]): ChartSampleReport => ({
      ...report,
      outcome,
      leader: this.lease.held,
      malformed: outcome === "sampled" || outcome === "lease-lost" ? tally.snapshot() : EMPTY_COUNTS,
    });

    const { held, acquired } = await this.lease.hold(operation);
    report.acquired = acquired;
    if (!held) return done("not-leader");
    // The fork's gate, newest score first; each write below checks it again, atomically.
    const poolKey = keys.poolChart();
    const top = await sendChecked(client, ["zrevrange", poolKey, 0, 0, "WITHSCORES"], operation);
    if (top.ok && !due(top.value, at, intervalSeconds)) return done("not-due");

    const trim = `(${at - retentionSeconds}`;
    const minerTtl = String(2 * retentionSeconds);
    let calls: ScriptCall[] = [];
    const flush = async (): Promise<boolean> => {
      if (report.batches > 0 && !(await this.lease.hold(operation)).held) return false;
      const replies = await sendScriptBatch(client, SAMPLE_SCRIPT, calls, { operation, transaction: false });
      report.batches++;
      replies.forEach((reply, i) => {
        if (reply.ok) {
          if (Number(reply.value) === 1) report.miners++;
          else report.minersSkipped++;
        } else if (isWrongType(reply.error)) tally.add((calls[i] as ScriptCall).keys[0] as string, "", "wrong-type");
        else throw failureError(operation, reply.error, { command: ["evalsha", SAMPLE_SCRIPT.sha] });
      });
      calls = [];
      return true;
    };
    for (const [login, miner] of stats.miners) {
      calls.push({
        keys: [keys.minerChart(login)],
        args: [at, formatMinerChartMember(at, miner.hr), intervalSeconds, trim, minerTtl],
      });
      if (calls.length >= this.batchSize && !(await flush())) return done("lease-lost");
    }
    if (calls.length > 0 && !(await flush())) return done("lease-lost");
    if (report.batches > 0 && !(await this.lease.hold(operation)).held) return done("lease-lost");

    const [poolReply] = await sendScriptBatch(
      client,
      SAMPLE_SCRIPT,
      [
        {
          keys: [poolKey],
          args: [at, formatPoolChartMember(at, stats.hashrate, stats.minersTotal), intervalSeconds, trim, 0],
        },
      ],
      { operation, transaction: false },
    );
    if (poolReply?.ok) report.pool = Number(poolReply.value) === 1;
    else if (poolReply !== undefined && isWrongType(poolReply.error)) tally.add(poolKey, "", "wrong-type");
    else throw failureError(operation, poolReply?.error ?? new Error("missing reply"));
    return done("sampled");
  }

  async release(): Promise<boolean> {
    return this.lease.release("releaseChartSampler");
  }
}

/** Whether a round is due: no sample yet, or the newest (score truncated like Go's int64) at least an interval old. */
function due(reply: unknown, at: number, intervalSeconds: number): boolean {
  const top = toZsetWithScores(reply) ?? [];
  if (top.length < 2) return true;
  return at - Math.trunc(redisScore(top[1] as string | number)) >= intervalSeconds;
}

function series<P extends { readonly x: bigint; readonly hashrate: bigint }>(
  content: SeriesContent<P>,
  nowMs: number,
  tally: MalformedTally,
): ChartSeries<P> {
  return {
    points: content.points,
    averages: chartAverages(content.points, unixSeconds(nowMs)),
    dropped: content.dropped,
    malformed: tally.snapshot(),
  };
}

function wholeNumber(path: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(path, `must be a whole number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}
