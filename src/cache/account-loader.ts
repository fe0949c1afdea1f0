import type { Account } from "../model/account.js";
import type { ChartStore, MinerCharts } from "../model/charts.js";
import type { MalformedCounts } from "../model/malformed.js";
import type { MinerStats, WorkersStats } from "../model/results.js";
import type { StatsBackend } from "../model/seams.js";
import type { AccountWindows } from "./account-windows.js";

/** The read settings an account refresh needs. @internal */
export interface AccountReadSettings {
  readonly payments: number;
  readonly hashrateWindowMs: number;
  readonly hashrateLargeWindowMs: number;
}

/**
 * One refresh, in the original's order: `EXISTS`, then the miner stats, then the workers
 * stats (and, with charts, the miner's series, read alongside them). Resolves to
 * `undefined` when the miner does not exist; rejects (typically with
 * `BackendUnavailableError`) when Redis fails.
 * @internal
 */
export async function loadAccount(
  backend: StatsBackend,
  settings: AccountReadSettings,
  login: string,
  updatedAt: number,
  charts?: ChartStore,
  windows?: AccountWindows,
): Promise<Account | undefined> {
  if (!(await backend.minerExists(login))) {
    windows?.delete(login);
    return undefined;
  }
  const miner = await backend.getMinerStats(login, settings.payments);
  const window = windows?.get(login);
  const [workers, series] = await Promise.all([
    window === undefined
      ? backend.collectWorkersStats(settings.hashrateWindowMs, settings.hashrateLargeWindowMs, login)
      : backend.collectWorkersStats(settings.hashrateWindowMs, settings.hashrateLargeWindowMs, login, window),
    charts?.readMiner(login, updatedAt),
  ]);
  windows?.trim(login);
  return mergeAccount(login, miner, workers, settings.payments, updatedAt, series);
}

/** The merged account (the original merges the two maps and adds `pageSize`). @internal */
export function mergeAccount(
  login: string,
  miner: MinerStats,
  workers: WorkersStats,
  pageSize: number,
  updatedAt: number,
  charts?: MinerCharts,
): Account {
  return {
    ...(charts === undefined ? {} : { charts }),
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
    currentHashrateUncertainty: workers.currentHashrateUncertainty,
    hashrate: workers.hashrate,
    hashrateUncertainty: workers.hashrateUncertainty,
    pageSize,
    updatedAt,
    malformed: mergeCounts(mergeCounts(miner.malformed, workers.malformed), charts?.malformed ?? {}),
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
