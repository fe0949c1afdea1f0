import type { MalformedTally } from "../../convert/malformed.js";
import { aggregateShares, type ShareAggregate } from "../../convert/shares.js";
import { finalizeWorkers } from "../../convert/workers.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { WorkersStats } from "../../model/results.js";
import type { RedisClient } from "../../redis/client.js";
import { readScoreRange } from "../../redis/range-reader.js";

/** Arguments of an account workers read, already validated. @internal */
export interface WorkersStatsArgs {
  readonly nowS: number;
  readonly smallWindowS: number;
  readonly largeWindowS: number;
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
