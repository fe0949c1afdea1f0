/**
 * `open-pool-stats/testing`: tools for tests, benchmarks and demos — never needed to
 * serve a pool. A fast share seeder, the original's read method (what open-pool-stats is
 * measured against), a throwaway `redis-server`, a prefix cleaner and a seeded PRNG.
 * @packageDocumentation
 */

export { deletePoolKeys } from "../testing/delete-pool-keys.js";
export { OriginalMethodBackend } from "../testing/original-method-backend.js";
export { PoolSeeder, type PoolSeederOptions } from "../testing/pool-seeder.js";
export { seededRandom } from "../testing/random.js";
export {
  freePort,
  type RedisServerProcess,
  type StartRedisServerOptions,
  startRedisServer,
} from "../testing/redis-server-process.js";
export type { SeedShare, SeedSharesOptions, SeedSharesResult } from "../testing/seed-shares.js";
