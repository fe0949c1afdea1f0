import type { MinerCharts } from "./charts.js";
import type { MinerStats, ReadReport, WorkersStats } from "./results.js";

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
  /** The miner's chart series (`P:charts:miner:<login>`) with its averages, when `charts.enabled`. */
  readonly charts?: MinerCharts;
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
