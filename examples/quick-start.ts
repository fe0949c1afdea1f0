import { Redis } from "ioredis";
import { RedisStatsBackend, toGoJson } from "open-pool-stats";
import { poolStatsToGo } from "open-pool-stats/json";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const backend = new RedisStatsBackend(redis, { prefix: "eth" }); // the pool's `coin`

const stats = await backend.collectStats("30m", 50, 30);
console.log(`${stats.minersTotal} miners, pool hashrate ${stats.hashrate} H/s`);
console.log(toGoJson(poolStatsToGo(stats))); // the original's exact JSON bytes
await redis.quit();
