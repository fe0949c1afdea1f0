import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { DurationInput } from "../go/duration.js";
import type { ChartSettings, ChartStore } from "../model/charts.js";
import type { AccountWindow, HashrateWindow } from "../model/hashrate.js";
import type { LuckStats, MinerStats, NodeStates, PoolStats, PurgeResult, WorkersStats } from "../model/results.js";
import type { StatsBackend } from "../model/seams.js";
import { classifyFailure } from "../redis/failure.js";
import type { Clock } from "../time/clock.js";

/** What the guard asks of the connection. @internal */
export interface ConnectionGate {
  readonly verified: boolean;
  /** The latest connection failure, as the client raised it. */
  readonly lastError: unknown;
  whenVerified(signal?: AbortSignal, timeoutMs?: number): Promise<boolean>;
}

/**
 * A backend that runs nothing — no read, and above all no purge (a write) — on a
 * connection that is not verified (not ready yet, lost, or not yet on its database): such
 * a call fails at once with a `BackendUnavailableError` carrying the connection's latest
 * failure (its Redis code kept), as a fail-fast connection does.
 * @internal
 */
export class GuardedBackend implements StatsBackend {
  readonly now: Clock;

  constructor(
    private readonly inner: StatsBackend,
    private readonly gate: ConnectionGate,
  ) {
    this.now = inner.now;
  }

  whenReady(timeoutMs: number): Promise<boolean> {
    return this.gate.whenVerified(undefined, timeoutMs);
  }

  hashrateWindow(window: DurationInput): HashrateWindow {
    return this.inner.hashrateWindow(window);
  }

  collectStats(window: DurationInput | HashrateWindow, maxBlocks: number, maxPayments: number): Promise<PoolStats> {
    return this.guard("collectStats", () => this.inner.collectStats(window, maxBlocks, maxPayments));
  }

  collectLuckStats(windows: readonly number[]): Promise<LuckStats> {
    return this.guard("collectLuckStats", () => this.inner.collectLuckStats(windows));
  }

  flushStaleStats(window: DurationInput, largeWindow: DurationInput): Promise<PurgeResult> {
    return this.guard("flushStaleStats", () => this.inner.flushStaleStats(window, largeWindow));
  }

  minerExists(login: string): Promise<boolean> {
    return this.guard("minerExists", () => this.inner.minerExists(login));
  }

  getMinerStats(login: string, maxPayments: number): Promise<MinerStats> {
    return this.guard("getMinerStats", () => this.inner.getMinerStats(login, maxPayments));
  }

  collectWorkersStats(
    smallWindow: DurationInput,
    largeWindow: DurationInput,
    login: string,
    window?: AccountWindow,
  ): Promise<WorkersStats> {
    return this.guard("collectWorkersStats", () =>
      this.inner.collectWorkersStats(smallWindow, largeWindow, login, window),
    );
  }

  /** The inner backend's account windows (making one runs nothing on the connection). */
  accountWindow(login: string, smallWindow: DurationInput, largeWindow: DurationInput): AccountWindow {
    if (this.inner.accountWindow === undefined) {
      throw new InvalidArgumentError("backend", "has no accountWindow() (RedisStatsBackend has it)");
    }
    return this.inner.accountWindow(login, smallWindow, largeWindow);
  }

  getNodeStates(): Promise<NodeStates> {
    return this.guard("getNodeStates", () => this.inner.getNodeStates());
  }

  /** The inner backend's chart store, its reads and its sampling (writes) guarded alike. */
  chartStore(settings: ChartSettings): ChartStore {
    if (this.inner.chartStore === undefined) {
      throw new InvalidArgumentError("charts.enabled", "needs a backend with chartStore() (RedisStatsBackend has it)");
    }
    const store = this.inner.chartStore(settings);
    return {
      settings: store.settings,
      readPool: (nowMs) => this.guard("readPoolCharts", () => store.readPool(nowMs)),
      readMiner: (login, nowMs) => this.guard("readMinerCharts", () => store.readMiner(login, nowMs)),
      sample: (stats) => this.guard("sampleCharts", () => store.sample(stats)),
      // Giving the lease up on a lost connection is pointless (it expires by itself) and must not throw.
      release: () => (this.gate.verified ? store.release() : Promise.resolve(false)),
    };
  }

  private guard<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.gate.verified) return call();
    const cause = this.gate.lastError ?? new Error("not connected to Redis yet");
    const redisCode = cause instanceof Error ? classifyFailure(cause).redisCode : undefined;
    return Promise.reject(new BackendUnavailableError(operation, cause, { redisCode }));
  }
}
