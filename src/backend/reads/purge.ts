import type { Redis } from "ioredis";
import type { MalformedTally } from "../../convert/malformed.js";
import { BackendUnavailableError } from "../../errors/backend-unavailable-error.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import { isWrongType, runCommand, runPipeline } from "../command-runner.js";
import type { RedisClient, RedisCommand } from "../redis-client.js";

/** Arguments of a purge, already validated. @internal */
export interface PurgeArgs {
  readonly nowS: number;
  readonly windowS: number;
  readonly largeWindowS: number;
  /** SCAN's COUNT hint. */
  readonly scanCount: number;
}

/** The trim of the pool share ZSET: shares older than the (small) window. */
export function planPoolTrim(keys: PoolKeys, args: PurgeArgs): RedisCommand {
  return ["zremrangebyscore", keys.hashrate(), "-inf", `(${args.nowS - args.windowS}`];
}

/** One SCAN step over the `P:hashrate:<login>` keys (the prefix glob-escaped). */
export function planMinerKeyScan(keys: PoolKeys, cursor: string, count: number): RedisCommand {
  return ["scan", cursor, "MATCH", keys.minerHashratePattern(), "COUNT", count];
}

/** The trim of one account share ZSET: shares older than the large window. */
export function planMinerTrim(key: string, args: PurgeArgs): RedisCommand {
  return ["zremrangebyscore", key, "-inf", `(${args.nowS - args.largeWindowS}`];
}

/**
 * The original's FlushStaleStats (reference §2.7), without its two defects: keys are
 * recognised by stripping the known prefix (never by splitting on `:`), and each SCAN
 * batch's trims go out as one pipeline instead of one round trip per miner. On a
 * Cluster every master is scanned, and its keys are trimmed on that master.
 */
export async function runPurge(
  client: RedisClient,
  keys: PoolKeys,
  args: PurgeArgs,
  tally: MalformedTally,
): Promise<{ removed: number; minerKeys: number }> {
  let removed = 0;
  try {
    removed += Number(await runCommand(client, planPoolTrim(keys, args), "flushStaleStats"));
  } catch (error) {
    if (!(error instanceof BackendUnavailableError && error.cause instanceof Error && isWrongType(error.cause)))
      throw error;
    tally.add(keys.hashrate(), "", "wrong-type");
  }
  const seen = new Set<string>();
  for (const node of scanNodes(client)) {
    let cursor = "0";
    do {
      const reply = (await runCommand(node, planMinerKeyScan(keys, cursor, args.scanCount), "flushStaleStats")) as [
        string,
        string[],
      ];
      cursor = String(reply[0]);
      const fresh = reply[1].filter((key) => keys.loginOfMinerHashrateKey(key) !== undefined && !seen.has(key));
      for (const key of fresh) seen.add(key);
      const replies = await runPipeline(
        node,
        fresh.map((key) => planMinerTrim(key, args)),
        "flushStaleStats",
      );
      replies.forEach((reply, i) => {
        if (reply.ok) removed += Number(reply.value);
        else if (isWrongType(reply.error)) tally.add(fresh[i] as string, "", "wrong-type");
        else throw new BackendUnavailableError("flushStaleStats", reply.error);
      });
    } while (cursor !== "0");
  }
  return { removed, minerKeys: seen.size };
}

/** The nodes whose keyspace a SCAN must walk: the client itself, or every Cluster master. */
function scanNodes(client: RedisClient): RedisClient[] {
  if ("isCluster" in client && client.isCluster)
    return (client as unknown as { nodes(role: "master"): Redis[] }).nodes("master");
  return [client];
}
