import type { MalformedTally } from "../../convert/malformed.js";
import { convertPayments } from "../../convert/payments.js";
import { convertStringMap } from "../../convert/string-map.js";
import { parseGoInt } from "../../go/int.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { MinerStats } from "../../model/results.js";
import type { AccountPayment } from "../../model/rows.js";
import type { PlanReplies } from "../../redis/plan.js";
import { ReplyReader } from "../reply-reader.js";

/**
 * The original's GetMinerStats MULTI (reference §2.4): the miner hash, its newest
 * `maxPayments` payments (all when 0) and their count, and its current round shares.
 */
export function planMinerStats(keys: PoolKeys, login: string, maxPayments: number) {
  return {
    miner: ["hgetall", keys.miner(login)],
    payments: ["zrevrange", keys.minerPayments(login), 0, maxPayments - 1, "WITHSCORES"],
    paymentsTotal: ["zcard", keys.minerPayments(login)],
    roundShares: ["hget", keys.roundCurrent(), login],
  } as const;
}

/** Turns the replies of {@link planMinerStats} into {@link MinerStats}. */
export function transformMinerStats(
  replies: PlanReplies<ReturnType<typeof planMinerStats>>,
  keys: PoolKeys,
  login: string,
  tally: MalformedTally,
): MinerStats {
  const read = new ReplyReader(tally, "getMinerStats");
  const paymentsKey = keys.minerPayments(login);
  const roundText = read.text(replies.roundShares, keys.roundCurrent());
  let roundShares = 0n;
  if (roundText !== null) {
    const parsed = parseGoInt(roundText);
    if (parsed === undefined) tally.add(keys.roundCurrent(), login, "not-an-integer");
    else roundShares = parsed;
  }
  return {
    stats: convertStringMap(read.hash(replies.miner, keys.miner(login))),
    // The account list is the same converter as the pool's: a 3-field member would carry
    // an address there too (forks that append fields do this); the account JSON drops it.
    payments: convertPayments(read.zset(replies.payments, paymentsKey), tally.sink(paymentsKey)) as AccountPayment[],
    paymentsTotal: read.count(replies.paymentsTotal, paymentsKey),
    roundShares,
    malformed: tally.snapshot(),
  };
}
