import { convertBlocks, convertCandidates } from "../../convert/blocks.js";
import type { MalformedTally } from "../../convert/malformed.js";
import { convertMinersStats, type MinersHashrate } from "../../convert/miners.js";
import { convertPayments } from "../../convert/payments.js";
import { convertStringMap } from "../../convert/string-map.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { PoolStats } from "../../model/results.js";
import type { CommandReply, RedisCommand } from "../../redis/client.js";
import { ReplyReader } from "../reply-reader.js";

/** Arguments of a pool collection, already validated. @internal */
export interface CollectStatsArgs {
  readonly nowMs: number;
  readonly nowS: number;
  readonly windowS: number;
  readonly maxBlocks: number;
  readonly maxPayments: number;
}

/**
 * Everything of the pool snapshot but the hashrate window: the stats hash, the three
 * block lists and the payments, with their ZCARDs — replies 2 to 10 of the original's
 * CollectStats MULTI (reference §2.2), in the same order.
 */
export function planPoolSnapshot(keys: PoolKeys, args: CollectStatsArgs): RedisCommand[] {
  return [
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

/**
 * The original's CollectStats MULTI, command for command (reference §2.2): trim
 * `P:hashrate` to the window (a write), read all of it, then {@link planPoolSnapshot}.
 * Used by the `"original"` read strategy and as the benchmark's baseline.
 */
export function planOriginalCollectStats(keys: PoolKeys, args: CollectStatsArgs): RedisCommand[] {
  return [
    ["zremrangebyscore", keys.hashrate(), "-inf", `(${args.nowS - args.windowS}`],
    ["zrange", keys.hashrate(), 0, -1, "WITHSCORES"],
    ...planPoolSnapshot(keys, args),
  ];
}

/** Turns the replies of {@link planPoolSnapshot} and the window's miners into a {@link PoolStats}. */
export function transformPoolSnapshot(
  replies: readonly CommandReply[],
  keys: PoolKeys,
  args: CollectStatsArgs,
  hashrate: MinersHashrate,
  tally: MalformedTally,
): PoolStats {
  const read = new ReplyReader(replies, tally, "collectStats");
  return {
    now: args.nowMs,
    stats: convertStringMap(read.hash(0, keys.stats())),
    candidates: convertCandidates(read.zset(1, keys.candidates()), tally.sink(keys.candidates())),
    immature: convertBlocks(read.zset(2, keys.immature()), tally.sink(keys.immature())),
    matured: convertBlocks(read.zset(3, keys.matured()), tally.sink(keys.matured())),
    candidatesTotal: read.count(4, keys.candidates()),
    immatureTotal: read.count(5, keys.immature()),
    maturedTotal: read.count(6, keys.matured()),
    paymentsTotal: read.count(7, keys.payments()),
    payments: convertPayments(read.zset(8, keys.payments()), tally.sink(keys.payments())),
    miners: hashrate.miners,
    minersTotal: hashrate.miners.size,
    hashrate: hashrate.hashrate,
    malformed: tally.snapshot(),
  };
}

/** Turns the replies of {@link planOriginalCollectStats} into a {@link PoolStats}. */
export function transformOriginalCollectStats(
  replies: readonly CommandReply[],
  keys: PoolKeys,
  args: CollectStatsArgs,
  tally: MalformedTally,
): PoolStats {
  const read = new ReplyReader(replies, tally, "collectStats");
  read.count(0, keys.hashrate());
  const hashrate = convertMinersStats(
    read.zset(1, keys.hashrate()),
    args.nowS,
    args.windowS,
    tally.sink(keys.hashrate()),
  );
  return transformPoolSnapshot(replies.slice(2), keys, args, hashrate, tally);
}
