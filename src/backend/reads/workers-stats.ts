import type { MalformedTally } from "../../convert/malformed.js";
import { aggregateShares, type ShareAggregate } from "../../convert/shares.js";
import { convertWorkersStats, finalizeWorkers } from "../../convert/workers.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { WorkersStats } from "../../model/results.js";
import type { CommandReply, RedisClient, RedisCommand } from "../../redis/client.js";
import { readScoreRange } from "../../redis/range-reader.js";
import { ReplyReader } from "../reply-reader.js";

/** Arguments of an account workers read, already validated. @internal */
export interface WorkersStatsArgs {
  readonly nowS: number;
  readonly smallWindowS: number;
  readonly largeWindowS: number;
}

/**
 * The original's CollectWorkersStats MULTI (reference §2.5): trim the account's share
 * ZSET to the large window (a write), then read all of it. The `"original"` strategy.
 */
export function planOriginalWorkersStats(keys: PoolKeys, login: string, args: WorkersStatsArgs): RedisCommand[] {
  const key = keys.minerHashrate(login);
  return [
    ["zremrangebyscore", key, "-inf", `(${args.nowS - args.largeWindowS}`],
    ["zrange", key, 0, -1, "WITHSCORES"],
  ];
}

/** Turns the replies of {@link planOriginalWorkersStats} into {@link WorkersStats}. */
export function transformOriginalWorkersStats(
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

/**
 * The account's workers without writing: the shares with score ≥ `now − large` (what the
 * original's trim leaves), read in bounded chunks so a 24 h window of a big miner never
 * holds Redis in one long command. One round trip when the window is small.
 */
export async function readWorkersStats(
  client: RedisClient,
  keys: PoolKeys,
  login: string,
  args: WorkersStatsArgs,
  chunkSize: number,
  tally: MalformedTally,
  atomic = true,
): Promise<WorkersStats> {
  const key = keys.minerHashrate(login);
  const groups = new Map<string, ShareAggregate>();
  const sink = tally.sink(key);
  const result = await readScoreRange(client, {
    key,
    from: args.nowS - args.largeWindowS,
    nowS: args.nowS,
    chunkSize,
    onChunk: (chunk) => aggregateShares(chunk, args.nowS - args.smallWindowS, sink, groups),
    operation: "collectWorkersStats",
    atomic,
  });
  if (result.wrongType) tally.add(key, "", "wrong-type");
  return { ...finalizeWorkers(groups, args.nowS, args.smallWindowS, args.largeWindowS), malformed: tally.snapshot() };
}
