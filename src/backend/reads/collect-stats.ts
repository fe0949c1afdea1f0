import { convertBlocks, convertCandidates } from "../../convert/blocks.js";
import type { MalformedTally } from "../../convert/malformed.js";
import { convertPayments } from "../../convert/payments.js";
import { convertStringMap } from "../../convert/string-map.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { PoolStats } from "../../model/results.js";
import type { MinersHashrate } from "../../model/rows.js";
import type { PlanReplies } from "../../redis/plan.js";
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
 * block lists and the payments, with their ZCARDs — commands 3 to 11 of the original's
 * CollectStats MULTI (reference §2.2), in the same order.
 */
export function planPoolSnapshot(keys: PoolKeys, args: CollectStatsArgs) {
  return {
    stats: ["hgetall", keys.stats()],
    candidates: ["zrevrange", keys.candidates(), 0, -1, "WITHSCORES"],
    immature: ["zrevrange", keys.immature(), 0, -1, "WITHSCORES"],
    matured: ["zrevrange", keys.matured(), 0, args.maxBlocks - 1, "WITHSCORES"],
    candidatesTotal: ["zcard", keys.candidates()],
    immatureTotal: ["zcard", keys.immature()],
    maturedTotal: ["zcard", keys.matured()],
    paymentsTotal: ["zcard", keys.payments()],
    payments: ["zrevrange", keys.payments(), 0, args.maxPayments - 1, "WITHSCORES"],
  } as const;
}

/** The commands of {@link planPoolSnapshot}, by name. */
export type PoolSnapshotPlan = ReturnType<typeof planPoolSnapshot>;

/** Turns the replies of {@link planPoolSnapshot} and the window's miners into a {@link PoolStats}. */
export function transformPoolSnapshot(
  replies: PlanReplies<PoolSnapshotPlan>,
  keys: PoolKeys,
  args: CollectStatsArgs,
  hashrate: MinersHashrate,
  tally: MalformedTally,
): PoolStats {
  const read = new ReplyReader(tally, "collectStats");
  return {
    now: args.nowMs,
    stats: convertStringMap(read.hash(replies.stats, keys.stats())),
    candidates: convertCandidates(read.zset(replies.candidates, keys.candidates()), tally.sink(keys.candidates())),
    immature: convertBlocks(read.zset(replies.immature, keys.immature()), tally.sink(keys.immature())),
    matured: convertBlocks(read.zset(replies.matured, keys.matured()), tally.sink(keys.matured())),
    candidatesTotal: read.count(replies.candidatesTotal, keys.candidates()),
    immatureTotal: read.count(replies.immatureTotal, keys.immature()),
    maturedTotal: read.count(replies.maturedTotal, keys.matured()),
    paymentsTotal: read.count(replies.paymentsTotal, keys.payments()),
    payments: convertPayments(read.zset(replies.payments, keys.payments()), tally.sink(keys.payments())),
    miners: hashrate.miners,
    minersTotal: hashrate.miners.size,
    hashrate: hashrate.hashrate,
    hashrateUncertainty: hashrate.hashrateUncertainty,
    malformed: tally.snapshot(),
  };
}
