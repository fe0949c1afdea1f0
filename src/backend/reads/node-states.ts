import type { MalformedTally } from "../../convert/malformed.js";
import { convertNodeStates } from "../../convert/node-states.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { NodeStates } from "../../model/results.js";
import type { PlanReplies } from "../../redis/plan.js";
import { ReplyReader } from "../reply-reader.js";

/** The original's GetNodeStates: one HGETALL of `P:nodes`, outside any MULTI. */
export function planNodeStates(keys: PoolKeys) {
  return { nodes: ["hgetall", keys.nodes()] } as const;
}

/** Turns the reply of {@link planNodeStates} into node states sorted by id. */
export function transformNodeStates(
  replies: PlanReplies<ReturnType<typeof planNodeStates>>,
  keys: PoolKeys,
  tally: MalformedTally,
): NodeStates {
  const read = new ReplyReader(tally, "getNodeStates");
  const nodes = convertNodeStates(read.hash(replies.nodes, keys.nodes()), tally.sink(keys.nodes()));
  return { nodes, malformed: tally.snapshot() };
}
