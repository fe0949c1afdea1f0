import type { MalformedTally } from "../../convert/malformed.js";
import { BackendUnavailableError } from "../../errors/backend-unavailable-error.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { RedisClient, RedisCommand } from "../../redis/client.js";
import { isCluster, sendBatch, sendChecked, sendOne } from "../../redis/exec.js";
import { failureError, isRedirection, isWrongType } from "../../redis/failure.js";

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
 * batch's trims go out as one pipeline instead of one round trip per miner.
 *
 * On a Cluster every master is scanned (`cluster.nodes("master")`) and its keys are
 * trimmed on that master in one pipeline. A key whose slot moved away meanwhile
 * (resharding: the node answers `MOVED`/`ASK`) is trimmed again through the Cluster
 * client, which follows the redirection; a key met on two masters while its slot
 * migrates is trimmed once. A key that moves to an already scanned master during the
 * walk is left for the next purge (the purge is periodic; nothing is counted twice).
 */
export async function runPurge(
  client: RedisClient,
  keys: PoolKeys,
  args: PurgeArgs,
  tally: MalformedTally,
): Promise<{ removed: number; minerKeys: number }> {
  let removed = 0;
  const poolTrim = await sendChecked(client, planPoolTrim(keys, args), OPERATION);
  if (poolTrim.ok) removed += Number(poolTrim.value);
  else tally.add(keys.hashrate(), "", "wrong-type");
  const seen = new Set<string>();
  for (const node of scanNodes(client)) {
    let cursor = "0";
    do {
      const reply = (await sendOne(node, planMinerKeyScan(keys, cursor, args.scanCount), OPERATION)) as [
        string,
        string[],
      ];
      cursor = String(reply[0]);
      const fresh = reply[1].filter((key) => keys.loginOfMinerHashrateKey(key) !== undefined && !seen.has(key));
      for (const key of fresh) seen.add(key);
      // Each node's own keys: no slot grouping, the node answers MOVED for a key gone elsewhere.
      const replies = await sendBatch(
        node,
        fresh.map((key) => planMinerTrim(key, args)),
        { operation: OPERATION, transaction: false, bySlot: false },
      );
      const moved: string[] = [];
      replies.forEach((reply, i) => {
        const key = fresh[i] as string;
        if (reply.ok) removed += Number(reply.value);
        else if (isWrongType(reply.error)) tally.add(key, "", "wrong-type");
        else if (node !== client && isRedirection(reply.error)) moved.push(key);
        else throw failureError(OPERATION, reply.error);
      });
      // One command each: ioredis follows MOVED/ASK for single commands, not for
      // pipelines holding writes. Only keys caught mid-resharding get here.
      const counts = await Promise.all(moved.map((key) => trimRedirected(client, key, args, tally)));
      for (const count of counts) removed += count;
    } while (cursor !== "0");
  }
  return { removed, minerKeys: seen.size };
}

const OPERATION = "flushStaleStats";

/** Trims one account key through the Cluster client; 0 (and counted) for a key of another type. */
async function trimRedirected(
  client: RedisClient,
  key: string,
  args: PurgeArgs,
  tally: MalformedTally,
): Promise<number> {
  const reply = await sendChecked(client, planMinerTrim(key, args), OPERATION);
  if (reply.ok) return Number(reply.value);
  tally.add(key, "", "wrong-type");
  return 0;
}

/**
 * The nodes whose keyspace a SCAN must walk: the client itself, or every Cluster master
 * the client knows (replicas hold copies, and a SCAN there would count keys twice).
 */
function scanNodes(client: RedisClient): RedisClient[] {
  if (!isCluster(client)) return [client];
  const masters = client.nodes("master");
  // The pool trim above went through the Cluster, so its slot map is loaded: an empty
  // list would make the purge silently skip every account key.
  if (masters.length === 0) throw new BackendUnavailableError(OPERATION, new Error("the Cluster lists no master node"));
  return masters;
}
