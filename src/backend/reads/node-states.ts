import type { MalformedTally } from "../../convert/malformed.js";
import { convertNodeStates } from "../../convert/node-states.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { NodeStates } from "../../model/results.js";
import type { CommandReply, RedisCommand } from "../../redis/client.js";
import { ReplyReader } from "../reply-reader.js";

/** The original's GetNodeStates: one HGETALL of `P:nodes`, outside any MULTI. */
export function planNodeStates(keys: PoolKeys): RedisCommand[] {
  return [["hgetall", keys.nodes()]];
}

/** Turns the reply of {@link planNodeStates} into node states sorted by id. */
export function transformNodeStates(
  replies: readonly CommandReply[],
  keys: PoolKeys,
  tally: MalformedTally,
): NodeStates {
  const read = new ReplyReader(replies, tally, "getNodeStates");
  const nodes = convertNodeStates(read.hash(0, keys.nodes()), tally.sink(keys.nodes()));
  return { nodes, malformed: tally.snapshot() };
}
