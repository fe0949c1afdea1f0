import { Redis } from "ioredis";
import { RedisStatsBackend, StatsCache, toGoJson } from "open-pool-stats";
import { accountToGo } from "open-pool-stats/json";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { commandTimeout: 10_000 });
const backend = new RedisStatsBackend(redis, { prefix: "eth" });
// The pool's config.json `api` section as it is, e.g. JSON.parse(readFileSync("config.json", "utf8")).api
const cache = new StatsCache(backend, {
  statsCollectInterval: "5s",
  hashrateWindow: "30m",
  luckWindow: [64, 128, 256],
});
cache.on("error", ({ operation, error }) => console.warn(`${operation} failed, keeping the last snapshot:`, error));

await cache.start(); // purge, first collection, then both loops
const snapshot = cache.snapshot; // undefined if Redis was down at start
if (snapshot) console.log(`v${snapshot.version}: ${snapshot.stats.minersTotal} miners, age ${cache.snapshotAge()} ms`);

const result = await cache.getAccount("0x8E550C57631C4743AC80A5441EFC6E7CDE71D248"); // lower-cased for you
if (result.found)
  console.log(toGoJson(accountToGo(result.account))); // the original's /api/accounts body
else console.log("no such miner (the original's 404)"); // a Redis failure rejects instead (createApiHandler: 503)

await cache.stop();
await redis.quit();
