import { convertBlocks, convertCandidates } from "../../convert/blocks.js";
import type { MalformedTally } from "../../convert/malformed.js";
import { convertMinersStats } from "../../convert/miners.js";
import { convertPayments } from "../../convert/payments.js";
import { convertStringMap } from "../../convert/string-map.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { CommandReply, RedisCommand } from "../redis-client.js";
import { ReplyReader } from "../reply-reader.js";
import type { PoolStats } from "../results.js";

/** Arguments of a pool collection, already validated. @internal */
export interface CollectStatsArgs {
  readonly nowMs: number;
  readonly nowS: number;
  readonly windowS: number;
  readonly maxBlocks: number;
  readonly maxPayments: number;
}

/**
 * The original's CollectStats MULTI, command for command (reference §2.2): the trim of
 * `P:hashrate`, the full window read, the stats hash, the three block lists and the
 * payments, with their ZCARDs.
 */
export function planCollectStats(keys: PoolKeys, args: CollectStatsArgs): RedisCommand[] {
  return [
    ["zremrangebyscore", keys.hashrate(), "-inf", `(${args.nowS - args.windowS}`],
    ["zrange", keys.hashrate(), 0, -1, "WITHSCORES"],
    ["hgetall", keys.stats()],
    ["zrevrange", keys.candidates(), 0, -1, "WITHSCORES"],
    ["zrevrange", keys.immature(), 0, -1, "WITHSCORES"],
    ["zrevrange", keys.matured(), 0, args.maxBlocks - 1, "WITHSCORES"],
    ["zcard", keys.candidates()],
    ["zcard", keys.immature()],
    ["zcard", keys.matured()],
    ["zcard", keys.payments()],
    ["zrevrange", keys.payments(), 0, args.maxPayments - 1, "WITHSCORES"],
  ];
}

/** Turns the replies of {@link planCollectStats} into a {@link PoolStats}. */
export function transformCollectStats(
  replies: readonly CommandReply[],
  keys: PoolKeys,
  args: CollectStatsArgs,
  tally: MalformedTally,
): PoolStats {
  const read = new ReplyReader(replies, tally, "collectStats");
  read.count(0, keys.hashrate());
  const { miners, hashrate } = convertMinersStats(
    read.zset(1, keys.hashrate()),
    args.nowS,
    args.windowS,
    tally.sink(keys.hashrate()),
  );
  return {
    now: args.nowMs,
    stats: convertStringMap(read.hash(2, keys.stats())),
    candidates: convertCandidates(read.zset(3, keys.candidates()), tally.sink(keys.candidates())),
    immature: convertBlocks(read.zset(4, keys.immature()), tally.sink(keys.immature())),
    matured: convertBlocks(read.zset(5, keys.matured()), tally.sink(keys.matured())),
    candidatesTotal: read.count(6, keys.candidates()),
    immatureTotal: read.count(7, keys.immature()),
    maturedTotal: read.count(8, keys.matured()),
    paymentsTotal: read.count(9, keys.payments()),
    payments: convertPayments(read.zset(10, keys.payments()), tally.sink(keys.payments())),
    miners,
    minersTotal: miners.size,
    hashrate,
    malformed: tally.snapshot(),
  };
}
