import { wrapInt64 } from "../../go/int.js";
import type { PoolKeys } from "../../keys/pool-keys.js";
import type { RedisCommand } from "../../redis/client.js";
import { formatBlockMember, goJoin } from "../members.js";
import type { BlockFields } from "../writer-inputs.js";

const SHANNON = 1_000_000_000n;

/**
 * The original's `writeImmatureBlock` helper: re-key the round when the block's height
 * changed (an uncle, or a block found on another template), drop the candidate, add the
 * immature member.
 */
function planImmatureMove(keys: PoolKeys, block: BlockFields, candidateKey: string): RedisCommand[] {
  const commands: RedisCommand[] = [];
  // Redis 2.8 refused RENAME onto the same key, hence the original's condition.
  if (block.height !== block.roundHeight) {
    commands.push(["rename", keys.round(block.roundHeight, block.nonce), keys.round(block.height, block.nonce)]);
  }
  commands.push(["zrem", keys.candidates(), candidateKey]);
  commands.push(["zadd", keys.immature(), String(block.height), formatBlockMember(block)]);
  return commands;
}

/** `WriteImmatureBlock`'s MULTI: the move, then every payee's immature credit and the pool total. */
export function planWriteImmatureBlock(
  keys: PoolKeys,
  block: BlockFields,
  candidateKey: string,
  rewards: readonly (readonly [string, bigint])[],
): RedisCommand[] {
  const commands = planImmatureMove(keys, block, candidateKey);
  let total = 0n;
  for (const [login, amount] of rewards) {
    total += amount;
    commands.push(["hincrby", keys.miner(login), "immature", amount.toString()]);
    commands.push(["hsetnx", keys.immatureCredits(block.height, block.hash), login, amount.toString()]);
  }
  commands.push(["hincrby", keys.finances(), "immature", total.toString()]);
  return commands;
}

/** `WritePendingOrphans`'s MULTI: the move of each block, nothing credited. */
export function planWritePendingOrphans(
  keys: PoolKeys,
  blocks: readonly (readonly [BlockFields, string])[],
): RedisCommand[] {
  return blocks.flatMap(([block, candidateKey]) => planImmatureMove(keys, block, candidateKey));
}

/** The original's `writeMaturedBlock` helper: drop the round, move immature → matured. */
function planMaturedMove(keys: PoolKeys, block: BlockFields, immatureKey: string): RedisCommand[] {
  return [
    ["del", keys.round(block.roundHeight, block.nonce)],
    ["zrem", keys.immature(), immatureKey],
    ["zadd", keys.matured(), String(block.height), formatBlockMember(block)],
  ];
}

/**
 * Reverses the immature credits read from the credit log. The log's values are parsed
 * and negated as the original does (Go int64: bad text is 0, arithmetic wraps), so the
 * same log gives the same HINCRBYs.
 */
function planImmatureReversal(
  keys: PoolKeys,
  credits: readonly (readonly [string, bigint])[],
): { commands: RedisCommand[]; totalImmature: bigint } {
  const commands: RedisCommand[] = [];
  let totalImmature = 0n;
  for (const [login, amount] of credits) {
    totalImmature = wrapInt64(totalImmature + amount);
    commands.push(["hincrby", keys.miner(login), "immature", wrapInt64(-amount).toString()]);
  }
  return { commands, totalImmature };
}

/** Inputs of {@link planWriteMaturedBlock} besides the block. @internal */
export interface MaturedWrite {
  readonly immatureKey: string;
  /** `P:credits:immature:<roundHeight>:<hash>` as read after WATCH, values parsed the Go way. */
  readonly immatureCredits: readonly (readonly [string, bigint])[];
  readonly rewards: readonly (readonly [string, bigint])[];
  readonly reward: bigint;
  readonly nowS: number;
}

/**
 * `WriteMaturedBlock`'s MULTI: the move, the credit-log entry, immature credits reversed,
 * balances credited (with their log), then the pool's finances.
 */
export function planWriteMaturedBlock(keys: PoolKeys, block: BlockFields, m: MaturedWrite): RedisCommand[] {
  const commands = planMaturedMove(keys, block, m.immatureKey);
  commands.push(["zadd", keys.creditsAll(), String(block.height), goJoin(block.hash, m.nowS, m.reward)]);
  const reversal = planImmatureReversal(keys, m.immatureCredits);
  commands.push(...reversal.commands);
  let total = 0n;
  for (const [login, amount] of m.rewards) {
    total += amount;
    commands.push(["hincrby", keys.miner(login), "balance", amount.toString()]);
    commands.push(["hsetnx", keys.credits(block.height, block.hash), login, amount.toString()]);
  }
  commands.push(
    ["del", keys.immatureCredits(block.roundHeight, block.hash)],
    ["hincrby", keys.finances(), "balance", total.toString()],
    ["hincrby", keys.finances(), "immature", wrapInt64(-reversal.totalImmature).toString()],
    ["hset", keys.finances(), "lastCreditHeight", String(block.height)],
    ["hset", keys.finances(), "lastCreditHash", block.hash],
    // RewardInShannon: wei / 10^9, truncated (the reward is validated non-negative).
    ["hincrby", keys.finances(), "totalMined", (m.reward / SHANNON).toString()],
  );
  return commands;
}

/** `WriteOrphan`'s MULTI: the move and the immature credits reversed; nothing credited. */
export function planWriteOrphan(
  keys: PoolKeys,
  block: BlockFields,
  immatureKey: string,
  immatureCredits: readonly (readonly [string, bigint])[],
): RedisCommand[] {
  const commands = planMaturedMove(keys, block, immatureKey);
  const reversal = planImmatureReversal(keys, immatureCredits);
  commands.push(
    ...reversal.commands,
    ["del", keys.immatureCredits(block.roundHeight, block.hash)],
    ["hincrby", keys.finances(), "immature", wrapInt64(-reversal.totalImmature).toString()],
  );
  return commands;
}
