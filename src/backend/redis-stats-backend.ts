import {
  type ChartStoreOptions,
  type ChartStoreSource,
  RedisChartStore,
  resolveChartStoreOptions,
} from "../charts/redis-chart-store.js";
import { MalformedTally } from "../convert/malformed.js";
import { finalizeMiners } from "../convert/miners.js";
import { finalizeWorkers } from "../convert/workers.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { DurationInput } from "../go/duration.js";
import { PoolKeys } from "../keys/pool-keys.js";
import type { ChartSettings, ChartStore } from "../model/charts.js";
import type { AccountWindow, HashrateReadReport, HashrateWindow, HashrateWindowOptions } from "../model/hashrate.js";
import type { MalformedEvent } from "../model/malformed.js";
import type { LuckStats, MinerStats, NodeStates, PoolStats, PurgeResult, WorkersStats } from "../model/results.js";
import type { StatsBackend } from "../model/seams.js";
import { BULK_DEFAULTS, type BulkConnectionOptions, BulkLink, bulkEndpointOf } from "../redis/bulk-link.js";
import type { RedisClient } from "../redis/client.js";
import { sendOne, sendPlan } from "../redis/exec.js";
import { whenClientReady } from "../redis/ready.js";
import { type Clock, readClock, systemClock, unixSeconds } from "../time/clock.js";
import type { Seconds } from "../time/units.js";
import { AccountWindowReader } from "./account-window.js";
import { booleanOption, loginArgument, luckWindows, positiveInteger, rowLimit, windowSeconds } from "./arguments.js";
import {
  HashrateWindowReader,
  type ResolvedHashrateWindowOptions,
  resolveHashrateWindowOptions,
} from "./hashrate-window.js";
import { type CollectStatsArgs, planPoolSnapshot, transformPoolSnapshot } from "./reads/collect-stats.js";
import { planLuckStats, transformLuckStats } from "./reads/luck-stats.js";
import { planMinerStats, transformMinerStats } from "./reads/miner-stats.js";
import { planNodeStates, transformNodeStates } from "./reads/node-states.js";
import { runPurge } from "./reads/purge.js";
import { readWorkersStats, type WorkersStatsArgs } from "./reads/workers-stats.js";

/** Options of {@link RedisStatsBackend}. */
export interface RedisStatsBackendOptions {
  /**
   * The key prefix: the pool's `coin` setting (`"eth"` reads an existing pool's data).
   * Give it a hash tag (`"{eth}"`) to keep every read one MULTI on Redis Cluster.
   */
  readonly prefix: string;
  /**
   * The clock, epoch milliseconds: the library's one clock. Each read takes one reading
   * and uses it throughout; a `StatsCache` and the HTTP routes built on this backend
   * read it too.
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
  /** Tuning of the window reads (pool and accounts). */
  readonly hashrate?: HashrateWindowOptions;
  /**
   * Whether each read round trip is one MULTI/EXEC, an atomic snapshot of its keys (as
   * in the original). `false` sends the same commands as plain pipelines: no longer
   * atomic, but an ioredis `Cluster` with `scaleReads: "slave"` (or `"all"`) can then
   * answer them from replicas — ioredis always sends a MULTI to the master. A plain
   * `Redis` connected to a replica serves the reads either way. The purge writes, so it
   * needs the master whatever this says.
   * @defaultValue true
   */
  readonly atomicReads?: boolean;
  /** Tuning of the chart stores made by {@link RedisStatsBackend.chartStore}. */
  readonly charts?: ChartStoreOptions;
  /**
   * Whether long window reads (a cold start, a resync) read their middle slices over a
   * second connection of the backend's own: plain RESP2, its replies decoded straight
   * from bytes, three requests in flight. About twice as fast as ioredis for a million
   * shares, with the same results and the same errors. It is opened from the client's own
   * options (host, port or path, TLS, username, password, db, keyPrefix, connectTimeout;
   * commandTimeout, else connectTimeout, bounds the silence while a reply is awaited) on
   * the first read that needs it, its socket is unref'd while idle, and
   * {@link RedisStatsBackend.close} ends it. A `Cluster`, Sentinel or a custom
   * `Connector` keeps every read on ioredis, as does `false`; when it cannot be opened,
   * reads use ioredis for 5 s before one tries again. A failure while it is in use fails
   * that read with the same errors as ioredis's (`BackendUnavailableError`, …); the next
   * read opens a new one.
   * @defaultValue true
   */
  readonly bulkConnection?: boolean | BulkConnectionOptions;
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
 * Reads never write: they select shares by score, what the original's trim would leave.
 *
 * The pool's hashrate window is held in memory ({@link RedisStatsBackend.hashrateWindow}),
 * so a collection reads only the shares that changed since the previous one.
 *
 * @example
 * ```ts
 * const backend = new RedisStatsBackend(new Redis(), { prefix: "eth" });
 * const stats = await backend.collectStats("30m", 50, 30);
 * console.log(stats.hashrate, stats.minersTotal);
 * ```
 */
export class RedisStatsBackend implements StatsBackend {
  /** The keys of the pool this backend reads. */
  readonly keys: PoolKeys;
  /** The Redis connection, as given. */
  readonly redis: RedisClient;
  /** The library's clock: epoch ms. Everything built on this backend reads it. */
  readonly now: Clock;
  private readonly onMalformed: ((event: MalformedEvent) => void) | undefined;
  private readonly scanCount: number;
  /** How windows are read: chunk sizes, overlaps. */
  private readonly windowOptions: ResolvedHashrateWindowOptions;
  /** Whether reads are MULTIs (`atomicReads`). */
  private readonly atomic: boolean;
  private readonly chartOptions: Required<ChartStoreOptions>;
  /** The window `collectStats` keeps when it is called with a duration. */
  private ownWindow: HashrateWindowReader | undefined;
  private latestRead: HashrateReadReport | undefined;
  /** The bulk connection (`bulkConnection`), `undefined` when off or not possible. */
  private readonly bulk: BulkLink | undefined;

  constructor(redis: RedisClient, options: RedisStatsBackendOptions) {
    this.redis = redis;
    this.keys = new PoolKeys(options.prefix);
    const now = options.now ?? systemClock;
    if (typeof now !== "function") throw new InvalidArgumentError("now", "must be a function returning epoch ms");
    this.now = now;
    this.onMalformed = options.onMalformed;
    this.scanCount = positiveInteger("scanCount", options.scanCount ?? 100);
    this.windowOptions = resolveHashrateWindowOptions(options.hashrate);
    this.atomic = booleanOption("atomicReads", options.atomicReads ?? true);
    this.chartOptions = resolveChartStoreOptions(options.charts);
    this.bulk = bulkLinkOf(redis, options.bulkConnection ?? true);
  }

  /**
   * Ends what the backend owns: its bulk connection (see `bulkConnection`), if one is
   * open. The host's ioredis client is the host's to close. Reads after this still work,
   * through ioredis alone.
   */
  close(): void {
    this.bulk?.close();
  }

  /** How the latest `collectStats` read its window (of any window of this backend). */
  get lastHashrateRead(): HashrateReadReport | undefined {
    return this.latestRead;
  }

  /**
   * Resolves `true` once the connection is ready for commands, `false` after `timeoutMs`
   * or when it is not connecting at all (closed, or a `lazyConnect` client nobody
   * connected: the backend never opens the host's connection). Never rejects.
   * `StatsCache.start()` waits on it (its `readyTimeout`).
   */
  whenReady(timeoutMs: number): Promise<boolean> {
    return whenClientReady(this.redis, timeoutMs);
  }

  /**
   * A new in-memory pool window of `window` (at least 1 s), for `collectStats`: its
   * first read fetches the whole window in bounded chunks, every later one only the
   * shares that changed. Make one per window length you read, and keep it as long as you
   * read that window (a `StatsCache` makes its own); it costs about 20 bytes per miner
   * and second of the window.
   */
  hashrateWindow(window: DurationInput): HashrateWindow {
    return this.newWindow(windowSeconds("window", window));
  }

  /**
   * A new in-memory window of one account's shares (`P:hashrate:<login>`) over
   * `largeWindow`, for `collectWorkersStats`: its first read fetches the large window in
   * bounded chunks, every later one only the shares that changed, verified like the pool's
   * window. A miner with 1,000 rigs (a million shares in 3 h) refreshes in milliseconds
   * after the first read. Costs about 20 bytes per worker and second with shares; keep one
   * per account you refresh often (a `StatsCache` keeps them within a budget).
   *
   * @throws {@link InvalidArgumentError} for a bad login or windows
   */
  accountWindow(login: string, smallWindow: DurationInput, largeWindow: DurationInput): AccountWindow {
    const checkedLogin = loginArgument(login);
    const source = {
      client: this.redis,
      key: this.keys.minerHashrate(checkedLogin),
      atomic: this.atomic,
      options: this.windowOptions,
      bulk: this.bulk,
    };
    return new AccountWindowReader(
      source,
      checkedLogin,
      windowSeconds("smallWindow", smallWindow),
      windowSeconds("largeWindow", largeWindow),
    );
  }

  /**
   * The pool snapshot: the original's `CollectStats(window, maxBlocks, maxPayments)`.
   *
   * @param window - a window from {@link RedisStatsBackend.hashrateWindow}, or the window's
   *   length (`hashrateWindow`, e.g. `"30m"`, at least 1 s): the backend then keeps one
   *   window of its own, for the length of its latest call (calls with another length
   *   start it over, cold)
   * @param maxBlocks - matured blocks to return, 0 for all
   * @param maxPayments - payments to return, 0 for all
   */
  async collectStats(
    window: DurationInput | HashrateWindow,
    maxBlocks: number,
    maxPayments: number,
  ): Promise<PoolStats> {
    const held = this.windowOf(window);
    const nowMs = readClock(this.now);
    const args: CollectStatsArgs = {
      nowMs,
      nowS: unixSeconds(nowMs),
      windowS: held.windowSeconds,
      maxBlocks: rowLimit("maxBlocks", maxBlocks),
      maxPayments: rowLimit("maxPayments", maxPayments),
    };
    const tally = this.tally();
    const key = this.keys.hashrate();
    const read = await held.read(args.nowS, planPoolSnapshot(this.keys, args), "collectStats", (member, reason) =>
      tally.notify(key, member, reason),
    );
    this.latestRead = read.report;
    tally.record(key, read.malformed);
    if (read.wrongType) tally.add(key, "", "wrong-type");
    const hashrate = finalizeMiners(read.aggregates, args.nowS, args.windowS);
    return transformPoolSnapshot(read.head, this.keys, args, hashrate, tally);
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
    const plan = planLuckStats(this.keys, checked);
    const replies = await sendPlan(this.redis, plan, { operation: "collectLuckStats", transaction: this.atomic });
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
    const plan = planMinerStats(this.keys, checkedLogin, rowLimit("maxPayments", maxPayments));
    const replies = await sendPlan(this.redis, plan, { operation: "getMinerStats", transaction: this.atomic });
    return transformMinerStats(replies, this.keys, checkedLogin, this.tally());
  }

  /**
   * Account part 2: the login's workers with their short- and long-window hashrates,
   * the original's `CollectWorkersStats(smallWindow, largeWindow, login)`.
   *
   * @param window - optional, a window from {@link RedisStatsBackend.accountWindow} for
   *   this login and these windows: the read then brings only the shares that changed
   * @throws {@link InvalidArgumentError} when `window` is another login's, another
   *   backend's, or of other windows
   */
  async collectWorkersStats(
    smallWindow: DurationInput,
    largeWindow: DurationInput,
    login: string,
    window?: AccountWindow,
  ): Promise<WorkersStats> {
    const checkedLogin = loginArgument(login);
    const args: WorkersStatsArgs = {
      nowS: unixSeconds(readClock(this.now)),
      smallWindowS: windowSeconds("smallWindow", smallWindow),
      largeWindowS: windowSeconds("largeWindow", largeWindow),
    };
    const tally = this.tally();
    if (window !== undefined) {
      const held = this.accountWindowOf(window, checkedLogin, args);
      const key = this.keys.minerHashrate(checkedLogin);
      const read = await held.read(args.nowS, {}, "collectWorkersStats", (member, reason) =>
        tally.notify(key, member, reason),
      );
      tally.record(key, read.malformed);
      if (read.wrongType) tally.add(key, "", "wrong-type");
      const workers = finalizeWorkers(read.aggregates, args.nowS, args.smallWindowS, args.largeWindowS);
      return { ...workers, malformed: tally.snapshot() };
    }
    const chunk = this.windowOptions.resyncChunkSize;
    return readWorkersStats(this.redis, this.keys, checkedLogin, args, chunk, tally, this.atomic);
  }

  /** Whether `P:miners:<login>` exists: the original's `IsMinerExists`. */
  async minerExists(login: string): Promise<boolean> {
    const key = this.keys.miner(loginArgument(login));
    return Number(await sendOne(this.redis, ["exists", key], "minerExists")) > 0;
  }

  /** The proxies' live states from `P:nodes`, sorted by node id: the original's `GetNodeStates`. */
  async getNodeStates(): Promise<NodeStates> {
    // A bare HGETALL, as the original sends it: it reads one key, so a MULTI adds nothing.
    const replies = await sendPlan(this.redis, planNodeStates(this.keys), {
      operation: "getNodeStates",
      transaction: false,
    });
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
      nowS: unixSeconds(readClock(this.now)),
      windowS: windowSeconds("window", window),
      largeWindowS: windowSeconds("largeWindow", largeWindow),
      scanCount: this.scanCount,
    };
    const tally = this.tally();
    const { removed, minerKeys } = await runPurge(this.redis, this.keys, args, tally);
    return { removed, minerKeys, malformed: tally.snapshot() };
  }

  /**
   * The pool's chart series in etclabscore/open-etc-pool's layout (`P:charts:pool`,
   * `P:charts:miner:<login>`), read in bounded chunks and sampled under a lease, for a
   * `StatsCache` with `charts.enabled` (which makes its own) or a host that drives the
   * sampling itself. Each store is one candidate for the lease, with a token of its own.
   * Sampling writes, so it needs the master; reads work on a replica.
   *
   * @throws {@link InvalidArgumentError} for bad settings
   */
  chartStore(settings: ChartSettings): ChartStore {
    return new RedisChartStore(this.chartSource(), settings, this.chartOptions);
  }

  private chartSource(): ChartStoreSource {
    return {
      client: this.redis,
      keys: this.keys,
      atomic: this.atomic,
      chunkSize: this.windowOptions.resyncChunkSize,
      onMalformed: this.onMalformed,
    };
  }

  /** A new tally for one read. */
  private tally(): MalformedTally {
    return new MalformedTally(this.onMalformed);
  }

  private newWindow(windowS: Seconds): HashrateWindowReader {
    const source = {
      client: this.redis,
      key: this.keys.hashrate(),
      atomic: this.atomic,
      options: this.windowOptions,
      bulk: this.bulk,
    };
    return new HashrateWindowReader(source, windowS);
  }

  /** The caller's account window, checked against the read it is given to. */
  private accountWindowOf(window: AccountWindow, login: string, args: WorkersStatsArgs): AccountWindowReader {
    if (!(window instanceof AccountWindowReader) || window.source.client !== this.redis) {
      throw new InvalidArgumentError("window", "must be a window made by this backend's accountWindow()");
    }
    if (window.login !== login) {
      throw new InvalidArgumentError("window", `holds the shares of ${window.login}, not of ${login}`);
    }
    if (window.windowSeconds !== args.largeWindowS || window.smallWindowSeconds !== args.smallWindowS) {
      throw new InvalidArgumentError("window", "was made for other small and large windows");
    }
    return window;
  }

  /** The window a `collectStats` reads: the caller's, or the backend's own for that length. */
  private windowOf(window: DurationInput | HashrateWindow): HashrateWindowReader {
    if (typeof window === "object" && window !== null) {
      if (!(window instanceof HashrateWindowReader) || window.source.client !== this.redis) {
        throw new InvalidArgumentError("window", "must be a window made by this backend's hashrateWindow()");
      }
      return window;
    }
    const windowS = windowSeconds("window", window);
    if (this.ownWindow?.windowSeconds !== windowS) this.ownWindow = this.newWindow(windowS);
    return this.ownWindow;
  }
}

/** The bulk link `option` asks for, if the client allows one. */
function bulkLinkOf(redis: RedisClient, option: boolean | BulkConnectionOptions): BulkLink | undefined {
  if (option === false) return undefined;
  if (option !== true && (typeof option !== "object" || option === null)) {
    throw new InvalidArgumentError("bulkConnection", "must be a boolean or an object");
  }
  const maxReplyBytes =
    option === true ? BULK_DEFAULTS.maxReplyBytes : (option.maxReplyBytes ?? BULK_DEFAULTS.maxReplyBytes);
  const endpoint = bulkEndpointOf(redis, {
    maxReplyBytes: positiveInteger("bulkConnection.maxReplyBytes", maxReplyBytes),
  });
  return endpoint === undefined ? undefined : new BulkLink(endpoint);
}
