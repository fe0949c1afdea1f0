import { convertBlocks } from "../../convert/blocks.js";
import { convertLuck, luckRatio } from "../../convert/luck.js";
import type { MalformedTally } from "../../convert/malformed.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { LuckStats } from "../../model/results.js";
import type { PlanReplies } from "../../redis/plan.js";
import { ReplyReader } from "../reply-reader.js";

/**
 * The original's CollectLuckStats MULTI (reference §2.3): every immature block, and the
 * newest `max(windows)` matured blocks.
 *
 * @param windows - positive, validated luck windows
 */
export function planLuckStats(keys: PoolKeys, windows: readonly number[]) {
  const max = Math.max(...windows);
  return {
    immature: ["zrevrange", keys.immature(), 0, -1, "WITHSCORES"],
    matured: ["zrevrange", keys.matured(), 0, max - 1, "WITHSCORES"],
  } as const;
}

/** Turns the replies of {@link planLuckStats} into luck rows. */
export function transformLuckStats(
  replies: PlanReplies<ReturnType<typeof planLuckStats>>,
  keys: PoolKeys,
  windows: readonly number[],
  tally: MalformedTally,
): LuckStats {
  const read = new ReplyReader(tally, "collectLuckStats");
  const immature = convertBlocks(read.zset(replies.immature, keys.immature()), tally.sink(keys.immature()));
  const matured = convertBlocks(read.zset(replies.matured, keys.matured()), tally.sink(keys.matured()));
  for (const [key, blocks] of [
    [keys.immature(), immature],
    [keys.matured(), matured],
  ] as const) {
    for (const block of blocks) {
      if (luckRatio(block) !== undefined) continue;
      tally.add(key, block.nonce, block.difficulty === 0n ? "zero-difficulty" : "luck-overflow");
    }
  }
  const rows = convertLuck([...immature, ...matured], windows);
  return { rows, malformed: tally.snapshot() };
}
