import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { AccountResult } from "../model/account.js";
import type { ChartSampleReport, ChartStore, PoolCharts } from "../model/charts.js";
import type { ResolvedStatsCacheConfig, StatsCacheConfig } from "../model/config.js";
import type {
  StatsCacheErrorEvent,
  StatsCacheEventMap,
  StatsCacheListener,
  StatsCacheOperation,
} from "../model/events.js";
import type { HashrateWindow } from "../model/hashrate.js";
import type { NodeStates } from "../model/results.js";
import type { StatsBackend, StatsSource } from "../model/seams.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import type { Clock } from "../time/clock.js";
import type { Milliseconds, Seconds } from "../time/units.js";
import { AccountCache, type AccountCacheCounts, type AccountCacheSizes } from "./account-cache.js";
import { loadAccount, normalizeLogin } from "./account-loader.js";
import { AccountWindows } from "./account-windows.js";
import { waitAtMost } from "./bounded-wait.js";
import { resolveStatsCacheConfig } from "./cache-config.js";
import { resolveStatsCacheOptions, type StatsCacheOptions } from "./cache-options.js";
import { deepFreeze } from "./deep-freeze.js";
import { TypedEmitter } from "./typed-emitter.js";

type Timer = ReturnType<typeof setTimeout>;
type LoopJob = Extract<StatsCacheOperation, "collect" | "purge">;

/** The backend's chart store for the resolved `charts` section. */
function chartStoreOf(backend: StatsBackend, charts: NonNullable<ResolvedStatsCacheConfig["charts"]>): ChartStore {
  if (typeof backend.chartStore !== "function") {
    throw new InvalidArgumentError("charts.enabled", "needs a backend with chartStore() (RedisStatsBackend has it)");
  }
  return backend.chartStore({
    intervalSeconds: Math.trunc(charts.intervalMs / 1000) as Seconds,
    retentionSeconds: Math.trunc(charts.retentionMs / 1000) as Seconds,
    leaseMs: charts.leaseMs as Milliseconds,
  });
}

/**
 * The statistics a pool's API serves, kept fresh in memory: the part of open-ethereum-pool's
 * `ApiServer` that owns the pool snapshot and the per-miner account cache, without HTTP.
 *
 * - `start()` purges, collects the first snapshot, then keeps collecting every
 *   `statsCollectInterval` and purging every `purgeInterval`, each period counted from the
 *   end of the previous run. Collections and purges run one at a time and never pile up.
 * - `snapshot` is the latest successful collection, deeply frozen and swapped whole; a failed
 *   collection keeps the previous one (its age, `snapshotAge()`, keeps growing) and is
 *   reported through `lastError` and the `error` event.
 * - `getAccount(login)` serves a miner's account from a bounded, single-flight cache.
 * - `getNodeStates()` reads the proxies' live node states, one read shared by every
 *   concurrent caller.
 * - With `charts.enabled`, each collection also reads the pool's chart series (kept in
 *   the snapshot as `charts`) and, on the instance holding the sampler lease, samples
 *   the pool and every miner once per `charts.interval`; accounts carry their series.
 *
 * Nothing it runs on its own can reject unhandled, whatever Redis does.
 *
 * Its clock is its backend's (`now`): snapshot times, account freshness and ages all read
 * that one.
 *
 * @example
 * ```ts
 * const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: "eth" }), config.api);
 * cache.on("error", ({ operation, error }) => log.warn(operation, error));
 * await cache.start();
 * const pool = cache.snapshot?.stats;
 * const account = await cache.getAccount("0x8e55…");
 * await cache.stop();
 * ```
 */
export class StatsCache implements StatsSource {
  /** The config in effect: defaults applied, durations in ms, `luckWindow` sorted. */
  readonly config: ResolvedStatsCacheConfig;
  /** The clock: the backend's. Everything built on this cache (the HTTP routes) reads it too. */
  readonly now: Clock;
  private readonly backend: StatsBackend;
  /** The pool window this cache collects, held in memory between collections. */
  private readonly window: HashrateWindow | undefined;
  private readonly events = new TypedEmitter<StatsCacheEventMap>();
  private readonly accounts: AccountCache;
  private readonly accountWindows: AccountWindows;
  private current: StatsSnapshot | undefined;
  private version = 0;
  private readonly failures: { collect?: StatsCacheErrorEvent; purge?: StatsCacheErrorEvent } = {};
  /** Bumped by every start() and stop(): work of an older generation is dropped. */
  private generation = 0;
  private starting: Promise<void> | undefined;
  /** The end of the serial queue of collections and purges; never rejects. */
  private tail: Promise<void> = Promise.resolve();
  private readonly timers: { collect?: Timer; purge?: Timer } = {};
  private readonly purges: boolean;
  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  /** The node-state read in flight, shared by its concurrent callers. */
  private nodeRead: Promise<NodeStates> | undefined;
  /** The chart series and the sampler, with `charts.enabled` (never in `purgeOnly` mode). */
  private readonly charts: ChartStore | undefined;
  /** Whether this instance samples (the `sampleCharts` option). */
  private readonly samples: boolean;
  /** Whether the latest sampling turn held the lease. */
  private leader = false;

  /**
   * @param backend - the reads and the clock, usually a `RedisStatsBackend`; the cache never closes its connection
   * @param config - the pool's config.json `api` section, as is
   * @param options - account-cache bounds and the purge switch
   * @throws {@link InvalidArgumentError} naming the first bad field of `config` or `options`
   */
  constructor(backend: StatsBackend, config: StatsCacheConfig, options: StatsCacheOptions = {}) {
    this.config = resolveStatsCacheConfig(config);
    const settings = resolveStatsCacheOptions(options, this.config);
    if (typeof backend?.now !== "function") {
      throw new InvalidArgumentError("backend.now", "must be the backend's clock, a function returning epoch ms");
    }
    this.backend = backend;
    this.now = backend.now;
    this.window = this.config.purgeOnly ? undefined : backend.hashrateWindow(this.config.hashrateWindowMs);
    this.purges = settings.purge;
    this.readyTimeoutMs = settings.readyTimeoutMs;
    this.charts =
      this.config.charts === null || this.config.purgeOnly ? undefined : chartStoreOf(backend, this.config.charts);
    this.samples = settings.sampleCharts && this.charts !== undefined;
    this.stopTimeoutMs = settings.stopTimeoutMs;
    this.accountWindows = new AccountWindows(
      backend,
      this.config.hashrateWindowMs,
      this.config.hashrateLargeWindowMs,
      settings.maxAccounts,
      settings.maxAccountWindowEntries,
    );
    this.accounts = new AccountCache(
      {
        now: this.now,
        freshMs: this.config.statsCollectIntervalMs,
        maxAgeMs: this.config.statsCollectIntervalMs * settings.evictAfterIntervals,
        maxAccounts: settings.maxAccounts,
        notFoundTtlMs: settings.maxNotFound === 0 ? 0 : settings.notFoundTtlMs,
        maxNotFound: settings.maxNotFound,
        staleWhileRevalidate: settings.staleWhileRevalidate,
        maxWaitMs: settings.accountWaitMs,
      },
      (login, updatedAt) => loadAccount(this.backend, this.config, login, updatedAt, this.charts, this.accountWindows),
      (login, error, at) => this.events.emit("error", { operation: "account", error, at, login }),
    );
  }

  /** The latest successful collection, or `undefined` before the first one (or in `purgeOnly` mode). */
  get snapshot(): StatsSnapshot | undefined {
    return this.current;
  }

  /** Milliseconds since the snapshot's `collectedAt` by the cache's clock; `undefined` without a snapshot. */
  snapshotAge(): number | undefined {
    return this.current === undefined ? undefined : Math.max(0, this.now() - this.current.collectedAt);
  }

  /**
   * The most recent failure of the loop, `undefined` once the latest collection and the
   * latest purge both succeeded (a success clears its own operation's failure).
   */
  get lastError(): StatsCacheErrorEvent | undefined {
    const { collect, purge } = this.failures;
    if (collect === undefined || purge === undefined) return collect ?? purge;
    return purge.at > collect.at ? purge : collect;
  }

  /** Listens to `collected`, `purged` or `error`; returns a function that removes the listener. */
  on<K extends keyof StatsCacheEventMap>(event: K, listener: StatsCacheListener<K>): () => void {
    return this.events.on(event, listener);
  }

  /** Removes a listener added with {@link StatsCache.on}. */
  off<K extends keyof StatsCacheEventMap>(event: K, listener: StatsCacheListener<K>): void {
    this.events.off(event, listener);
  }

  /**
   * Purges once, collects the first snapshot (unless `purgeOnly`), then schedules both loops.
   * First it waits, at most `readyTimeout` (the `statsCollectInterval` by default), for the
   * backend's connection to be ready (`backend.whenReady`), so the first snapshot is there
   * as soon as Redis answers.
   *
   * Resolves once the first collection has been attempted. A failed purge or collection
   * does not reject: a Redis blip at start-up should not stop the host, and the original
   * also starts with no snapshot. Check `snapshot` (undefined), `lastError` or the `error`
   * event. Calling it again while started returns the same promise; after `stop()` it
   * starts again.
   */
  start(): Promise<void> {
    if (this.starting === undefined) this.starting = this.runStart(++this.generation);
    return this.starting;
  }

  /**
   * Stops the loops: clears the timers at once (no collection or purge starts after this
   * call), then waits for the collection or purge in progress (and its window's rolling
   * verification), the account refreshes and the node read in flight — at most `stopTimeout` (1 s), so a hung Redis cannot hold a
   * shutdown. A running Redis read is not cancelled: it ends with the connection's
   * `commandTimeout`, or when the host closes the connection (do, with `disconnect()`).
   * Then it gives the chart sampler lease up if this instance holds it, so another takes
   * over at once (within the same bound). Never rejects; calling it again is harmless.
   */
  async stop(): Promise<void> {
    this.starting = undefined;
    this.generation++;
    for (const job of ["collect", "purge"] as const) {
      clearTimeout(this.timers[job]);
      delete this.timers[job];
    }
    const inFlight = Promise.all([
      this.tail,
      this.accounts.idle(),
      this.nodeRead?.catch(() => undefined),
      // The rolling verification that follows the last collection (it never rejects).
      this.tail.then(() => this.window?.settled()),
    ]);
    await waitAtMost(
      inFlight.then(() => this.releaseLease()),
      this.stopTimeoutMs,
    );
  }

  /**
   * A miner's account: the original's `/api/accounts/<login>` data. The login is
   * lower-cased. An entry younger than `statsCollectInterval` is served as is; otherwise
   * one refresh (exists → miner stats → workers stats) runs, shared by concurrent callers.
   * Works whether or not the loops are started.
   *
   * @returns `{ found: true, account, stale }`, or `{ found: false }` when the miner does not exist
   * @throws {@link InvalidArgumentError} when `login` is not a non-empty string
   * @throws {@link BackendUnavailableError} when Redis fails (the cache is left as it was)
   */
  async getAccount(login: string): Promise<AccountResult> {
    if (typeof login !== "string" || login === "") {
      throw new InvalidArgumentError("login", "must be a non-empty string");
    }
    return this.accounts.get(normalizeLogin(login));
  }

  /**
   * The proxies' live states (`P:nodes`, sorted by node id): the original reads them on
   * every `/api/stats` request, uncached, and so does this, with one difference that keeps
   * Redis calm under load: callers that arrive while a read is in flight share it, so a
   * burst of requests costs one `HGETALL` per round trip instead of one per request.
   * Nothing is kept once the read settles: the next caller starts a new one. The result is
   * deeply frozen. Works whether or not the loops are started.
   *
   * @throws {@link BackendUnavailableError} when Redis fails (every sharing caller gets the same error)
   */
  getNodeStates(): Promise<NodeStates> {
    if (this.nodeRead !== undefined) return this.nodeRead;
    // Frozen: every sharing caller gets the same object. A backend that throws instead of
    // rejecting still gives a rejected promise.
    const read = Promise.resolve()
      .then(() => this.backend.getNodeStates())
      .then(deepFreeze)
      .finally(() => {
        if (this.nodeRead === read) this.nodeRead = undefined;
      });
    this.nodeRead = read;
    return read;
  }

  /** How many accounts and "not found" answers are cached, and how many refreshes run. */
  accountCacheSizes(): AccountCacheSizes {
    return { ...this.accounts.sizes(), ...this.accountWindows.sizes() };
  }

  /** What the account cache answered so far (hits, misses, "not found"), for metrics. */
  accountCacheCounts(): AccountCacheCounts {
    return this.accounts.answers();
  }

  /** Gives the chart sampler lease up if this instance samples; never rejects. */
  private async releaseLease(): Promise<void> {
    if (!this.samples) return;
    // The store knows whether it holds the lease (a turn that failed after acquiring it
    // still does): releasing costs nothing when it does not.
    this.leader = false;
    await Promise.resolve()
      .then(() => this.charts?.release())
      .catch((error: unknown) => this.chartsFailed(error, this.safeNow()));
  }

  private async runStart(generation: number): Promise<void> {
    if (this.readyTimeoutMs > 0) {
      const ms = this.readyTimeoutMs;
      await Promise.resolve()
        .then(() => this.backend.whenReady?.(ms))
        .catch(() => false);
    }
    if (this.purges) await this.enqueue("purge", generation);
    if (!this.config.purgeOnly) await this.enqueue("collect", generation);
    if (generation !== this.generation) return; // stopped meanwhile
    if (!this.config.purgeOnly) this.schedule("collect", generation);
    if (this.purges) this.schedule("purge", generation);
  }

  /** Arms the timer of `job`; when it fires, the job joins the queue and re-arms once it ends. */
  private schedule(job: LoopJob, generation: number): void {
    const delay = job === "collect" ? this.config.statsCollectIntervalMs : this.config.purgeIntervalMs;
    this.timers[job] = setTimeout(() => {
      delete this.timers[job];
      void this.enqueue(job, generation).then(() => {
        if (generation === this.generation) this.schedule(job, generation);
      });
    }, delay);
  }

  /** Runs `job` after everything queued before it: collections and purges never overlap. */
  private enqueue(job: LoopJob, generation: number): Promise<void> {
    const run = this.tail.then(() => (generation === this.generation ? this.run(job) : undefined));
    this.tail = run;
    return run;
  }

  /** One collection or purge; every failure (even of a host's clock) is reported, never thrown. */
  private async run(job: LoopJob): Promise<void> {
    let at = Number.NaN;
    try {
      at = this.now();
      if (job === "collect") await this.collect(at);
      else await this.purge(at);
      delete this.failures[job];
    } catch (error) {
      this.fail(job, error, at);
    }
  }

  /**
   * The original's collectStats: both reads succeed, or the previous snapshot stays. With
   * charts, the pool series is read too (a failure keeps the previous one), and once the
   * snapshot is out, the sampler's turn runs.
   */
  private async collect(at: number): Promise<void> {
    const { blocks, payments, luckWindow } = this.config;
    const stats = await this.backend.collectStats(this.window ?? this.config.hashrateWindowMs, blocks, payments);
    const luck = luckWindow.length > 0 ? await this.backend.collectLuckStats(luckWindow) : null;
    const charts = this.charts === undefined ? undefined : await this.readCharts(this.charts, stats.now);
    const snapshot: StatsSnapshot = deepFreeze({
      version: this.version + 1,
      collectedAt: at,
      durationMs: Math.max(0, this.now() - at),
      stats,
      luck,
      ...(charts === undefined ? {} : { charts }),
    });
    this.version = snapshot.version;
    this.current = snapshot;
    this.events.emit("collected", snapshot);
    if (this.samples) await this.sampleCharts(this.charts as ChartStore, snapshot);
  }

  /** The pool series; on failure the previous snapshot's (reported, never thrown). */
  private async readCharts(store: ChartStore, nowMs: number): Promise<PoolCharts | undefined> {
    try {
      return await store.readPool(nowMs);
    } catch (error) {
      this.chartsFailed(error, nowMs);
      return this.current?.charts;
    }
  }

  /** One sampling turn from the snapshot's numbers; failures are reported, never thrown. */
  private async sampleCharts(store: ChartStore, snapshot: StatsSnapshot): Promise<void> {
    let report: ChartSampleReport;
    try {
      report = await store.sample(snapshot.stats);
    } catch (error) {
      this.chartsFailed(error, snapshot.stats.now);
      return;
    }
    const changed = report.leader !== this.leader;
    this.leader = report.leader;
    if (changed || report.outcome === "sampled" || report.outcome === "lease-lost") {
      this.events.emit("sampled", deepFreeze(report));
    }
  }

  /** The clock, or NaN if a host's clock throws (a report must not fail). */
  private safeNow(): number {
    try {
      return this.now();
    } catch {
      return Number.NaN;
    }
  }

  /** A chart failure: an `error` event only (the snapshot, and `lastError`, are not the charts'). */
  private chartsFailed(error: unknown, at: number): void {
    this.events.emit("error", Object.freeze({ operation: "charts", error, at }));
  }

  private async purge(at: number): Promise<void> {
    const { hashrateWindowMs, hashrateLargeWindowMs } = this.config;
    const result = await this.backend.flushStaleStats(hashrateWindowMs, hashrateLargeWindowMs);
    this.events.emit("purged", deepFreeze({ result, at, durationMs: Math.max(0, this.now() - at) }));
  }

  private fail(operation: LoopJob, error: unknown, at: number): void {
    const event: StatsCacheErrorEvent = Object.freeze({ operation, error, at });
    this.failures[operation] = event;
    this.events.emit("error", event);
  }
}
