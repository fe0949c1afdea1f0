import type { MalformedTally } from "../../convert/malformed.js";
import { convertWorkersStats } from "../../convert/workers.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { CommandReply, RedisCommand } from "../redis-client.js";
import { ReplyReader } from "../reply-reader.js";
import type { WorkersStats } from "../results.js";

/** Arguments of an account workers read, already validated. @internal */
export interface WorkersStatsArgs {
  readonly nowS: number;
  readonly smallWindowS: number;
  readonly largeWindowS: number;
}

/**
 * The original's CollectWorkersStats MULTI (reference §2.5): trim the account's share
 * ZSET to the large window, then read all of it.
 */
export function planWorkersStats(keys: PoolKeys, login: string, args: WorkersStatsArgs): RedisCommand[] {
  const key = keys.minerHashrate(login);
  return [
    ["zremrangebyscore", key, "-inf", `(${args.nowS - args.largeWindowS}`],
    ["zrange", key, 0, -1, "WITHSCORES"],
  ];
}

/** Turns the replies of {@link planWorkersStats} into {@link WorkersStats}. */
export function transformWorkersStats(
  replies: readonly CommandReply[],
  keys: PoolKeys,
  login: string,
  args: WorkersStatsArgs,
  tally: MalformedTally,
): WorkersStats {
  const key = keys.minerHashrate(login);
  const read = new ReplyReader(replies, tally, "collectWorkersStats");
  read.count(0, key);
  const workers = convertWorkersStats(
    read.zset(1, key),
    args.nowS,
    args.smallWindowS,
    args.largeWindowS,
    tally.sink(key),
  );
  return { ...workers, malformed: tally.snapshot() };
}
