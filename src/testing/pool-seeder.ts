import { PoolKeys } from "../keys/pool-keys.js";
import type { RedisClient } from "../redis/client.js";
import { type SeedShare, type SeedSharesOptions, type SeedSharesResult, seedShares } from "./seed-shares.js";

/** Options of {@link PoolSeeder}. */
export interface PoolSeederOptions {
  /** The key prefix: the pool's `coin` setting (`"eth"`); a hash tag (`"{eth}"`) for Redis Cluster. */
  readonly prefix: string;
}

/**
 * Fills a pool's Redis with synthetic shares fast, for tests, benchmarks and demos. Not a
 * pool writer: `RedisPoolWriter` writes what the original's proxy writes, one share and
 * one MULTI at a time; this writes a million shares in a few seconds.
 */
export class PoolSeeder {
  /** The keys of the pool this seeder writes. */
  readonly keys: PoolKeys;

  constructor(
    /** The Redis connection, as given. */
    readonly redis: RedisClient,
    options: PoolSeederOptions,
  ) {
    this.keys = new PoolKeys(options.prefix);
  }

  /**
   * Writes many shares in the original's member format (`diff:login:worker:ms` in
   * `P:hashrate`, `diff:worker:ms` in `P:hashrate:<login>`, scored by the share's second)
   * with pipelined multi-member ZADDs, then the counters `writeShare` keeps (unless
   * `counters: false`).
   *
   * It is not `writeShare` in a loop: there is no PoW de-duplication, no MULTI, and one
   * EXPIRE per login at the end. Shares are validated chunk by chunk, so on an invalid
   * share the chunks before it stay written.
   */
  seedShares(shares: Iterable<SeedShare>, options: SeedSharesOptions = {}): Promise<SeedSharesResult> {
    return seedShares(this.redis, this.keys, shares, options);
  }
}
