import { type MalformedEvent, MalformedTally } from "../convert/malformed.js";
import { finalizeMiners } from "../convert/miners.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, durationSeconds } from "../go/duration.js";
import { PoolKeys } from "../keys/pool-keys.js";
import type { LuckStats, MinerStats, NodeStates, PoolStats, PurgeResult, WorkersStats } from "../model/results.js";
import type { RedisClient } from "../redis/client.js";
import { runCommand, runMulti, runPipeline } from "../redis/exec.js";
import { type Clock, systemClock, unixSeconds } from "../time/clock.js";
import { HashrateCollector, type HashrateCollectorOptions, type HashrateCycleReport } from "./hashrate-window.js";
import {
  type CollectStatsArgs,
  planOriginalCollectStats,
  planPoolSnapshot,
  transformOriginalCollectStats,
  transformPoolSnapshot,
} from "./reads/collect-stats.js";
import { planLuckStats, transformLuckStats } from "./reads/luck-stats.js";
import { planMinerStats, transformMinerStats } from "./reads/miner-stats.js";
import { planNodeStates, transformNodeStates } from "./reads/node-states.js";
import { runPurge } from "./reads/purge.js";
import { planOriginalWorkersStats, readWorkersStats, transformOriginalWorkersStats } from "./reads/workers-stats.js";

/**
 * How the backend reads share windows (`P:hashrate` and `P:hashrate:<login>`):
 *
 * - `"incremental"` — keeps the pool window in memory and reads only its changed tail
 *   each collection, verified against `ZCOUNT` (cost grows with the share rate, not the
 *   window); account windows are read like `"chunked"`. Never writes.
 * - `"chunked"` — reads the whole window every time, in bounded commands. Never writes.
 * - `"original"` — the original's commands exactly: trim (a write), then one full
 *   `ZRANGE 0 -1`. For comparison and benchmarks; needs a writable Redis.
 *
 * All three give the same results for the same data and clock.
 */
export type ReadStrategy = "incremental" | "chunked" | "original";

/** Options of {@link RedisStatsBackend}. */
export interface RedisStatsBackendOptions {
  /**
   * The key prefix: the pool's `coin` setting (`"eth"` reads an existing pool's data).
   * Give it a hash tag (`"{eth}"`) to keep every read one MULTI on Redis Cluster.
   */
  readonly prefix: string;
  /**
   * The clock, epoch milliseconds. Each read takes one reading and uses it throughout.
   * @defaultValue `Date.now`
   */
  readonly now?: Clock;
  /**
   * Called for every value a read skips as malformed (also counted in the result's
   * `malformed`). Exceptions it throws are swallowed.
   */
  readonly onMalformed?: (event: MalformedEvent) => void;
  /**
   * SCAN's COUNT hint when the purge walks the `P:hashrate:<login>` keys.
   * @defaultValue 100 (the original's)
   */
  readonly scanCount?: number;
  /**
   * How share windows are read; see {@link ReadStrategy}.
   * @defaultValue `"incremental"`
   */
  readonly readStrategy?: ReadStrategy;
  /** Tuning of the incremental and chunked window reads. */
  readonly hashrate?: HashrateCollectorOptions;
  /**
   * Whether each read round trip is one MULTI/EXEC, an atomic snapshot of its keys (as
   * in the original). `false` sends the same commands as plain pipelines: no longer
   * atomic, but an ioredis `Cluster` with `scaleReads: "slave"` (or `"all"`) can then
   * answer them from replicas — ioredis always sends a MULTI to the master. A plain
   * `Redis` connected to a replica serves the reads either way. The purge and the
   * `"original"` strategy write, so they need the master whatever this says.
   * @defaultValue true
   */
  readonly atomicReads?: boolean;
}

/**
 * Reads a pool's statistics out of Redis with the exact key layout, commands and
 * semantics of open-ethereum-pool's API module (`storage/redis.go`).
 *
 * Each method is one read of the original: a plan (the commands, in `reads/`) run in one
 * MULTI, and a pure transform of the replies (the converters in `convert/`). On a Redis
 * Cluster give the prefix a hash tag (`"{eth}"`) to keep that one MULTI; with an untagged
 * prefix each read is split into one MULTI per hash slot (not atomic as a whole). Values the
 * original holds as int64 or big.Int come back as `bigint`; malformed members are
 * skipped, counted per key in `malformed` and reported to `onMalformed`; failures of
 * Redis itself reject with `BackendUnavailableError`. Nothing here throws because of data.
 *
 * @example
 * ```ts
 * const backend = new RedisStatsBackend(new Redis(), { prefix: "eth" });
 * const stats = await backend.collectStats("30m", 50, 30);
 * console.log(stats.hashrate, stats.minersTotal);
 * ```
 */
export class RedisStatsBackend {
  /** The keys of the pool this backend reads. */
  readonly keys: PoolKeys;
  /** The Redis connection, as given. */
  readonly redis: RedisClient;
  private readonly now: Clock;
  private readonly onMalformed: ((event: MalformedEvent) => void) | undefined;
  private readonly scanCount: number;
  private readonly strategy: ReadStrategy;
  private readonly hashrateOptions: HashrateCollectorOptions;
  private readonly atomic: boolean;
  /** One in-memory window per window length (a host normally uses one). */
  private readonly collectors = new Map<number, HashrateCollector>();
  private lastReport: HashrateCycleReport | undefined;

  constructor(redis: RedisClient, options: RedisStatsBackendOptions) {
    this.redis = redis;
    this.keys = new PoolKeys(options.prefix);
    this.now = options.now ?? systemClock;
    this.onMalformed = options.onMalformed;
    this.scanCount = positiveInteger("scanCount", options.scanCount ?? 100);
    this.strategy = readStrategy(options.readStrategy ?? "incremental");
    this.hashrateOptions = collectorOptions(options.hashrate ?? {});
    this.atomic = booleanOption("atomicReads", options.atomicReads ?? true);
  }

  /** How the last `collectStats` read the pool window (`undefined` for the `"original"` strategy). */
  get lastHashrateRead(): HashrateCycleReport | undefined {
    return this.lastReport;
  }

  /**
   * The pool snapshot: the original's `CollectStats(window, maxBlocks, maxPayments)`.
   *
   * @param window - the hashrate window (`hashrateWindow`, e.g. `"30m"`); at least 1 s
   * @param maxBlocks - matured blocks to return, 0 for all
   * @param maxPayments - payments to return, 0 for all
   */
  async collectStats(window: DurationInput, maxBlocks: number, maxPayments: number): Promise<PoolStats> {
    const windowS = windowSeconds("window", window);
    const nowMs = this.now();
    const args = {
      nowMs,
      nowS: unixSeconds(nowMs),
      windowS,
      maxBlocks: rowLimit("maxBlocks", maxBlocks),
      maxPayments: rowLimit("maxPayments", maxPayments),
    };
    const tally = this.tally();
    if (this.strategy === "original") {
      const plan = planOriginalCollectStats(this.keys, args);
      const replies = await runMulti(this.redis, plan, "collectStats", this.atomic);
      return transformOriginalCollectStats(replies, this.keys, args, tally);
    }
    return this.collectFromWindow(args, tally);
  }

  private async collectFromWindow(args: CollectStatsArgs, tally: MalformedTally): Promise<PoolStats> {
    const key = this.keys.hashrate();
    let collector = this.collectors.get(args.windowS);
    if (collector === undefined) {
      collector = new HashrateCollector(this.redis, key, args.windowS, this.hashrateOptions, this.atomic);
      // "chunked" keeps nothing between calls: a fresh collector reads the whole window.
      if (this.strategy === "incremental") {
        // Each window held costs memory: a host uses one; keep a few at most.
        if (this.collectors.size >= MAX_WINDOWS_HELD)
          this.collectors.delete(this.collectors.keys().next().value as number);
        this.collectors.set(args.windowS, collector);
      }
    }
    const cycle = await collector.collect(args.nowS, planPoolSnapshot(this.keys, args), (member, reason) =>
      tally.notify(key, member, reason),
    );
    this.lastReport = cycle.report;
    tally.record(key, cycle.malformed);
    if (cycle.wrongType) tally.add(key, "", "wrong-type");
    const hashrate = finalizeMiners(cycle.aggregates, args.nowS, args.windowS);
    return transformPoolSnapshot(cycle.snapshotReplies, this.keys, args, hashrate, tally);
  }

  /**
   * Luck rows over the immature and the newest matured blocks: the original's
   * `CollectLuckStats(windows)`. Rows are keyed by the number of blocks counted and stop
   * at the first window that could not be filled.
   *
   * @param windows - block counts (`luckWindow`, e.g. `[64, 128, 256]`), each ≥ 1; any order
   */
  async collectLuckStats(windows: readonly number[]): Promise<LuckStats> {
    const checked = luckWindows(windows);
    const replies = await runMulti(this.redis, planLuckStats(this.keys, checked), "collectLuckStats", this.atomic);
    return transformLuckStats(replies, this.keys, checked, this.tally());
  }

  /**
   * Account part 1: balances, payments and round shares of one login, the original's
   * `GetMinerStats(login, maxPayments)`. The login is used as given (the HTTP layer
   * lower-cases it).
   *
   * @param maxPayments - payments to return, 0 for all
   */
  async getMinerStats(login: string, maxPayments: number): Promise<MinerStats> {
    const checkedLogin = loginArgument(login);
    const replies = await runMulti(
      this.redis,
      planMinerStats(this.keys, checkedLogin, rowLimit("maxPayments", maxPayments)),
      "getMinerStats",
      this.atomic,
    );
    return transformMinerStats(replies, this.keys, checkedLogin, this.tally());
  }

  /**
   * Account part 2: the login's workers with their short- and long-window hashrates,
   * the original's `CollectWorkersStats(smallWindow, largeWindow, login)`.
   */
  async collectWorkersStats(
    smallWindow: DurationInput,
    largeWindow: DurationInput,
    login: string,
  ): Promise<WorkersStats> {
    const checkedLogin = loginArgument(login);
    const args = {
      nowS: unixSeconds(this.now()),
      smallWindowS: windowSeconds("smallWindow", smallWindow),
      largeWindowS: windowSeconds("largeWindow", largeWindow),
    };
    if (this.strategy === "original") {
      const plan = planOriginalWorkersStats(this.keys, checkedLogin, args);
      const replies = await runMulti(this.redis, plan, "collectWorkersStats", this.atomic);
      return transformOriginalWorkersStats(replies, this.keys, checkedLogin, args, this.tally());
    }
    const chunk = this.hashrateOptions.resyncChunkSize ?? 2500;
    return readWorkersStats(this.redis, this.keys, checkedLogin, args, chunk, this.tally(), this.atomic);
  }

  /** Whether `P:miners:<login>` exists: the original's `IsMinerExists`. */
  async minerExists(login: string): Promise<boolean> {
    const key = this.keys.miner(loginArgument(login));
    return Number(await runCommand(this.redis, ["exists", key], "minerExists")) > 0;
  }

  /** The proxies' live states from `P:nodes`, sorted by node id: the original's `GetNodeStates`. */
  async getNodeStates(): Promise<NodeStates> {
    // A bare HGETALL, as the original sends it: it reads one key, so a MULTI adds nothing.
    const replies = await runPipeline(this.redis, planNodeStates(this.keys), "getNodeStates");
    return transformNodeStates(replies, this.keys, this.tally());
  }

  /**
   * The purge, the original's `FlushStaleStats(window, largeWindow)`: trims `P:hashrate`
   * to the window and every `P:hashrate:<login>` to the large window (found with SCAN,
   * never KEYS). On a Cluster every master is scanned. It writes, so it needs the master:
   * on a replica it rejects with `ReadOnlyReplicaError`.
   */
  async flushStaleStats(window: DurationInput, largeWindow: DurationInput): Promise<PurgeResult> {
    const args = {
      nowS: unixSeconds(this.now()),
      windowS: windowSeconds("window", window),
      largeWindowS: windowSeconds("largeWindow", largeWindow),
      scanCount: this.scanCount,
    };
    const tally = this.tally();
    const { removed, minerKeys } = await runPurge(this.redis, this.keys, args, tally);
    return { removed, minerKeys, malformed: tally.snapshot() };
  }

  private tally(): MalformedTally {
    return new MalformedTally(this.onMalformed);
  }
}

/** How many distinct hashrate windows an incremental backend keeps in memory at once. */
const MAX_WINDOWS_HELD = 4;

/** A hashrate window in whole seconds; zero would divide by zero in the original. */
function windowSeconds(name: string, value: DurationInput): number {
  const seconds = durationSeconds(value);
  if (seconds < 1) throw new InvalidArgumentError(name, "must be at least 1s (the original divides by it)");
  return seconds;
}

/** A row limit: a non-negative integer, 0 meaning all rows (`ZREVRANGE 0 -1`). */
function rowLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, `must be a non-negative integer (0 = all), got ${String(value)}`);
  }
  return value;
}

function booleanOption(name: string, value: boolean): boolean {
  if (typeof value !== "boolean") throw new InvalidArgumentError(name, `must be a boolean, got ${String(value)}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError(name, `must be a positive integer, got ${String(value)}`);
  return value;
}

function luckWindows(windows: readonly number[]): number[] {
  if (!Array.isArray(windows) || windows.length === 0) {
    throw new InvalidArgumentError(
      "windows",
      "must list at least one luck window (the original panics on an empty list)",
    );
  }
  return windows.map((w, i) => positiveInteger(`windows[${i}]`, w));
}

function readStrategy(value: ReadStrategy): ReadStrategy {
  if (value !== "incremental" && value !== "chunked" && value !== "original") {
    throw new InvalidArgumentError(
      "readStrategy",
      `must be "incremental", "chunked" or "original", got ${String(value)}`,
    );
  }
  return value;
}

function collectorOptions(options: HashrateCollectorOptions): HashrateCollectorOptions {
  const check = (name: keyof HashrateCollectorOptions, min: number): void => {
    const value = options[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new InvalidArgumentError(`hashrate.${name}`, `must be an integer ≥ ${min}, got ${String(value)}`);
    }
  };
  check("overlapSeconds", 0);
  check("maxOverlapSeconds", 0);
  check("repairSeconds", 0);
  check("tailChunkSize", 1);
  check("resyncChunkSize", 1);
  return options;
}

function loginArgument(login: string): string {
  if (typeof login !== "string" || login === "") throw new InvalidArgumentError("login", "must be a non-empty string");
  return login;
}
