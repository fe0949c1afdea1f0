import type { MalformedCounts } from "../convert/malformed.js";
import type { MinerStats, ReadReport, WorkersStats } from "../model/results.js";
import type { StatsCacheBackend } from "./stats-cache-backend.js";

/**
 * A miner's account as the original's `/api/accounts/<login>` builds it: the miner stats
 * (`GetMinerStats`) and the workers stats (`CollectWorkersStats`) merged, plus `pageSize`
 * and when it was read. Deeply frozen; `accountToGo` turns it into the original's body.
 */
export interface Account extends Omit<MinerStats, "malformed">, Omit<WorkersStats, "malformed">, ReadReport {
  /** The login, lower-cased. */
  readonly login: string;
  /** The config's `payments` (the original sends it; its front end ignores it). */
  readonly pageSize: number;
  /** The cache's clock (epoch ms) before the refresh's first Redis read. */
  readonly updatedAt: number;
}

/** An account that exists. `stale` is true when stale-while-revalidate served an entry older than the interval. */
export interface AccountFound {
  readonly found: true;
  readonly account: Account;
  readonly stale: boolean;
}

/** No `P:miners:<login>` hash: the original's 404. Not an error; Redis failures reject instead. */
export interface AccountNotFound {
  readonly found: false;
  /** The login, lower-cased. */
  readonly login: string;
  /** The cache's clock (epoch ms) when Redis last said so. */
  readonly checkedAt: number;
}

/** What `StatsCache.getAccount` resolves to. */
export type AccountResult = AccountFound | AccountNotFound;

/** The read settings an account refresh needs. @internal */
export interface AccountReadSettings {
  readonly payments: number;
  readonly hashrateWindowMs: number;
  readonly hashrateLargeWindowMs: number;
}

/**
 * One refresh, in the original's order: `EXISTS`, then the miner stats, then the workers
 * stats. Resolves to `undefined` when the miner does not exist; rejects (typically with
 * `BackendUnavailableError`) when Redis fails.
 * @internal
 */
export async function loadAccount(
  backend: StatsCacheBackend,
  settings: AccountReadSettings,
  login: string,
  updatedAt: number,
): Promise<Account | undefined> {
  if (!(await backend.minerExists(login))) return undefined;
  const miner = await backend.getMinerStats(login, settings.payments);
  const workers = await backend.collectWorkersStats(settings.hashrateWindowMs, settings.hashrateLargeWindowMs, login);
  return mergeAccount(login, miner, workers, settings.payments, updatedAt);
}

/** The merged account (the original merges the two maps and adds `pageSize`). @internal */
export function mergeAccount(
  login: string,
  miner: MinerStats,
  workers: WorkersStats,
  pageSize: number,
  updatedAt: number,
): Account {
  return {
    login,
    stats: miner.stats,
    payments: miner.payments,
    paymentsTotal: miner.paymentsTotal,
    roundShares: miner.roundShares,
    workers: workers.workers,
    workersTotal: workers.workersTotal,
    workersOnline: workers.workersOnline,
    workersOffline: workers.workersOffline,
    currentHashrate: workers.currentHashrate,
    hashrate: workers.hashrate,
    pageSize,
    updatedAt,
    malformed: mergeCounts(miner.malformed, workers.malformed),
  };
}

function mergeCounts(a: MalformedCounts, b: MalformedCounts): MalformedCounts {
  const merged: Record<string, number> = { ...a };
  for (const [key, count] of Object.entries(b)) merged[key] = (merged[key] ?? 0) + count;
  return merged;
}

/**
 * The login as the original's handler keys it: `strings.ToLower`. For the hex logins the
 * original's route admits, JavaScript's lower-casing is the same.
 * @internal
 */
export function normalizeLogin(login: string): string {
  return login.toLowerCase();
}
