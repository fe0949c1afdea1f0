import type { MalformedCounts } from "./malformed.js";
import type {
  AccountPayment,
  BlockRow,
  HashrateUncertainty,
  LuckRow,
  MinerHashrate,
  NodeState,
  PaymentRow,
  StringIntMap,
  WorkersHashrate,
} from "./rows.js";

/** What every read reports besides its data: the values it skipped, per Redis key. */
export interface ReadReport {
  /** Skipped members per key (see `MalformedReason`); `{}` when everything was well-formed. */
  readonly malformed: MalformedCounts;
}

/**
 * The pool snapshot of the original's `CollectStats`: everything `/api/stats`,
 * `/api/miners`, `/api/blocks` (but luck) and `/api/payments` show.
 */
export interface PoolStats extends ReadReport {
  /** The clock reading (epoch ms) the collection used. */
  readonly now: number;
  /** `P:stats` (`roundShares`, `lastBlockFound`) converted the original's way. */
  readonly stats: StringIntMap;
  /** Every candidate block, highest first. */
  readonly candidates: readonly BlockRow[];
  readonly candidatesTotal: number;
  /** Every immature block, highest first. */
  readonly immature: readonly BlockRow[];
  readonly immatureTotal: number;
  /** The newest `maxBlocks` matured blocks (all when 0), highest first. */
  readonly matured: readonly BlockRow[];
  readonly maturedTotal: number;
  /** The newest `maxPayments` payments (all when 0), newest first. */
  readonly payments: readonly PaymentRow[];
  readonly paymentsTotal: number;
  /** Miners with a share in the window, offline ones included. */
  readonly miners: ReadonlyMap<string, MinerHashrate>;
  /** `miners.size`: offline miners included, as in the original. */
  readonly minersTotal: number;
  /** Pool hashrate: Σ of the miners' truncated `hr`. */
  readonly hashrate: bigint;
  /** The shares behind `hashrate` and its ±1σ range (not in the original). */
  readonly hashrateUncertainty: HashrateUncertainty;
}

/** Luck rows of the original's `CollectLuckStats`, keyed by the number of blocks counted. */
export interface LuckStats extends ReadReport {
  readonly rows: ReadonlyMap<string, LuckRow>;
}

/** Account part 1, the original's `GetMinerStats`. */
export interface MinerStats extends ReadReport {
  /** `P:miners:<login>` (`balance`, `immature`, `pending`, `paid` in Shannon; `lastShare`, `blocksFound`). */
  readonly stats: StringIntMap;
  /** The newest `maxPayments` of the miner's payments (all when 0). */
  readonly payments: readonly AccountPayment[];
  readonly paymentsTotal: number;
  /** The miner's share-difficulty sum in the current round (0 when absent). */
  readonly roundShares: bigint;
}

/** Account part 2, the original's `CollectWorkersStats`. */
export interface WorkersStats extends WorkersHashrate, ReadReport {}

/** Live node states (`P:nodes`), sorted by node id. */
export interface NodeStates extends ReadReport {
  readonly nodes: readonly NodeState[];
}

/** What a purge (`flushStaleStats`) did. */
export interface PurgeResult extends ReadReport {
  /** Members removed over all trimmed keys (the original's return value). */
  readonly removed: number;
  /** How many `P:hashrate:<login>` keys were trimmed. */
  readonly minerKeys: number;
}
