// The rows the converters make of Redis members: the original's structs, typed.

/**
 * A block as the original's `BlockData` exposes it: candidates, immature and matured
 * blocks share this shape (`/api/blocks` rows).
 *
 * Integers read out of members are `bigint`: block difficulties passed 2^53 on mainnet.
 * `height` comes from the ZSET score, a double, so a `number` holds it exactly.
 */
export interface BlockRow {
  /** Block height (for an uncle: the height of the including block); the ZSET score. */
  readonly height: number;
  /** Unix seconds when the block share was found. */
  readonly timestamp: bigint;
  /** Network difficulty of the block's template. */
  readonly difficulty: bigint;
  /** Sum of the round's share difficulties (`totalShares`). */
  readonly shares: bigint;
  /** `uncleHeight > 0`. */
  readonly uncle: boolean;
  /** Height of the uncle itself, 0 for a normal block. */
  readonly uncleHeight: bigint;
  readonly orphan: boolean;
  /** Block hash; `""` for candidates, `"0x0"` for blocks orphaned before unlocking. */
  readonly hash: string;
  /** Reward in wei as the decimal text Redis holds (kept verbatim, as the original does); `""` for candidates. */
  readonly reward: string;
  /** The block's nonce (hidden from the original JSON, useful to find its round). */
  readonly nonce: string;
}

/** One payment of a miner's own list (`P:payments:<login>`, member `tx:amount`). */
export interface AccountPayment {
  /** Unix seconds; the ZSET score. */
  readonly timestamp: number;
  /** Transaction hash. */
  readonly tx: string;
  /** Amount in Shannon (10^9 wei). */
  readonly amount: bigint;
}

/** One row of the pool's payment list (`P:payments:all`, member `tx:login:amount`). */
export interface PoolPayment extends AccountPayment {
  /** The paid login. */
  readonly address: string;
}

/** A row as the original's `convertPaymentsResults` makes it: with `address` when the member has 3+ fields. */
export type PaymentRow = PoolPayment | AccountPayment;

/** One luck row: means over the last `n` blocks, all float64 as in the original. */
export interface LuckRow {
  /** Mean of `shares / difficulty` per block (not Σshares/Σdifficulty). */
  readonly luck: number;
  /** Share of blocks that are uncles. */
  readonly uncleRate: number;
  /** Share of blocks that are orphans. */
  readonly orphanRate: number;
  /** Blocks in the `luck` mean (blocks whose ratio is not finite are left out of it). Not in the original. */
  readonly blocks: number;
  /**
   * The probability of a luck at least this bad by chance alone: each block's
   * `shares / difficulty` is Exp(1) for an honest pool, so the sum over `blocks` blocks
   * is Gamma(blocks, 1) and this is `Q(blocks, blocks × luck)`, the regularized upper
   * incomplete gamma function. Near 0: unluckier than chance explains; near 1: luckier.
   * `null` without a block. Not in the original.
   */
  readonly probability: number | null;
}

/** One proxy node as `P:nodes` describes it: attribute → string (`name`, `height`, `difficulty`, `lastBeat`). */
export interface NodeState {
  /** The node id (the proxy's `name` setting). */
  readonly id: string;
  /** Every attribute written for the node, values kept as strings like the original. */
  readonly fields: ReadonlyMap<string, string>;
}

/** A Redis hash converted the original's way: int64 values as `bigint`, anything else verbatim. */
export type StringIntMap = ReadonlyMap<string, bigint | string>;

/**
 * The statistical uncertainty of an estimated hashrate (not in the original). Shares
 * arrive as a Poisson process, so a hashrate estimated from `n` shares of equal
 * difficulty has a relative standard error of `1/√n`; a sum of hashrates (a pool, an
 * account) adds the variances of its parts.
 */
export interface HashrateUncertainty {
  /** Shares behind the estimate. */
  readonly shares: number;
  /**
   * The ±1σ relative error (`1/√shares` for one miner or worker); `null` without shares,
   * for a hashrate of 0, or for a sum beyond float64's range (junk data).
   */
  readonly relativeError: number | null;
  /** `hashrate × (1 − relativeError)`, at least 0: the lower end of the ±1σ range. */
  readonly low: bigint;
  /** `hashrate × (1 + relativeError)`: the upper end of the ±1σ range. */
  readonly high: bigint;
}

/** A miner of the pool list (`/api/miners`): the original's `Miner`. */
export interface MinerHashrate {
  /** Unix seconds of the miner's last share in the window (0 if none had a positive score). */
  readonly lastBeat: number;
  /** Estimated hashrate in H/s: the window's share-difficulty sum over the time online. */
  readonly hr: bigint;
  /** No share for half a window. */
  readonly offline: boolean;
  /** Unix seconds of the first share in the window (not part of the original JSON). */
  readonly startedAt: number;
  /** The shares behind `hr` and its ±1σ range (not part of the original JSON). */
  readonly hrUncertainty: HashrateUncertainty;
}

/** The pool's miners with their summed hashrate, as the original's `convertMinersStats` returns them. */
export interface MinersHashrate {
  /** Σ of the miners' (already truncated) `hr`, offline miners included. */
  readonly hashrate: bigint;
  /** The shares behind `hashrate` and its ±1σ range (the miners' variances added). */
  readonly hashrateUncertainty: HashrateUncertainty;
  /** Miners by login, in first-seen order. */
  readonly miners: ReadonlyMap<string, MinerHashrate>;
}

/** A worker of an account (`/api/accounts/…` `workers`): the original's `Worker`. */
export interface WorkerHashrate {
  /** Unix seconds of the worker's last share (0 if none had a positive score). */
  readonly lastBeat: number;
  /** Hashrate over the small window (H/s). */
  readonly hr: bigint;
  /** No share for half the small window. */
  readonly offline: boolean;
  /** Hashrate over the large window (H/s). */
  readonly hr2: bigint;
  /** Unix seconds of the first share in the large window (not part of the original JSON). */
  readonly startedAt: number;
  /** The small window's shares behind `hr`, and its ±1σ range (not part of the original JSON). */
  readonly hrUncertainty: HashrateUncertainty;
  /** The large window's shares behind `hr2`, and its ±1σ range (not part of the original JSON). */
  readonly hr2Uncertainty: HashrateUncertainty;
}

/** An account's workers, as the original's `CollectWorkersStats` returns them. */
export interface WorkersHashrate {
  /** Workers by id, in first-seen order. */
  readonly workers: ReadonlyMap<string, WorkerHashrate>;
  readonly workersTotal: number;
  readonly workersOnline: number;
  readonly workersOffline: number;
  /** Σ `hr` (small window), the account's "Hashrate (30m)". */
  readonly currentHashrate: bigint;
  /** The shares behind `currentHashrate` and its ±1σ range (the workers' variances added). */
  readonly currentHashrateUncertainty: HashrateUncertainty;
  /** Σ `hr2` (large window), the account's "Hashrate (3h)". */
  readonly hashrate: bigint;
  /** The shares behind `hashrate` and its ±1σ range (the workers' variances added). */
  readonly hashrateUncertainty: HashrateUncertainty;
}
