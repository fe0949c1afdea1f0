import { RedisScript } from "../redis/script.js";

/**
 * The Lua scripts of the chart sampler. Each touches one key, so it runs on a Cluster
 * as on a single server, and each is atomic: nothing runs between its commands.
 * @packageDocumentation
 */

/**
 * One sample of one series, gated: the fork's `chartSample`, whose check and write are
 * a read and a separate MULTI, as one atomic step, so no two writers can both pass the
 * gate. The commands inside are the fork's, in its order.
 *
 * - KEYS[1]: the series (`P:charts:pool` or `P:charts:miner:<login>`)
 * - ARGV[1]: the sample's Unix seconds (its score)
 * - ARGV[2]: the member (`<ts>:<hashrate>:<minersOnline>` or `<ts>:<hashrate>`)
 * - ARGV[3]: the interval in whole seconds
 * - ARGV[4]: the trim bound, `(<ts − retention>` (exclusive: a sample exactly one
 *   retention old stays)
 * - ARGV[5]: the TTL in seconds to set (`2 × retention` for miners), `0` for none (the pool)
 * - returns 1 when written; 0 when the newest sample (its score truncated, as Go's
 *   `int64(score)`) is younger than the interval, including one in the future
 */
export const SAMPLE_SCRIPT = new RedisScript(
  "chart sample",
  `local top = redis.call('zrevrange', KEYS[1], 0, 0, 'WITHSCORES')
if top[2] then
  local newest = tonumber(top[2])
  if newest >= 0 then newest = math.floor(newest) else newest = -math.floor(-newest) end
  if tonumber(ARGV[1]) - newest < tonumber(ARGV[3]) then return 0 end
end
redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[4])
if ARGV[5] ~= '0' then redis.call('expire', KEYS[1], ARGV[5]) end
return 1
`,
);

/**
 * Renews the sampler lease if this instance holds it.
 *
 * - KEYS[1]: the lease (`P:charts:sampler`)
 * - ARGV[1]: this instance's token; ARGV[2]: the lease in ms
 * - returns 1 when renewed; 0 when the lease is gone or another instance's
 */
export const RENEW_SCRIPT = new RedisScript(
  "chart lease renewal",
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
`,
);

/**
 * Gives the sampler lease up if this instance holds it.
 *
 * - KEYS[1]: the lease; ARGV[1]: this instance's token
 * - returns 1 when released; 0 when it was not this instance's
 */
export const RELEASE_SCRIPT = new RedisScript(
  "chart lease release",
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
`,
);
