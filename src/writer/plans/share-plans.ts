import type { PoolKeys } from "../../keys/pool-keys.js";
import type { RedisCommand } from "../../redis/client.js";
import { goJoin } from "../members.js";

/** One share as the original's `writeShare` helper writes it. @internal */
export interface ShareWrite {
  readonly login: string;
  readonly workerId: string;
  readonly diff: bigint;
  /** `util.MakeTimestamp()`: the clock in epoch ms. */
  readonly ms: number;
  /** `ms / 1000`, truncated. */
  readonly ts: number;
  /** The per-login key's TTL in whole seconds (0 deletes the key, as `EXPIRE key 0` does). */
  readonly expireS: number;
}

/**
 * The PoW de-duplication of `checkPoWExist`, sent before the MULTI: prune entries more
 * than 8 heights old, then add this triple. A ZADD reply of 0 means a duplicate.
 *
 * The original computes `height-8` in uint64, so below height 8 it sends
 * `(18446744073709551608`-ish and wipes the whole set, which disables the dedupe there.
 * We compute it signed (`(-3` at height 5): nothing younger than 8 heights is pruned.
 */
export function planPowCheck(keys: PoolKeys, height: number, powMember: string): RedisCommand[] {
  return [
    ["zremrangebyscore", keys.pow(), "-inf", `(${height - 8}`],
    ["zadd", keys.pow(), String(height), powMember],
  ];
}

/** The original's `writeShare` helper: commands 2.1–2.5 of §1.3. */
function planShareCommon(keys: PoolKeys, s: ShareWrite): RedisCommand[] {
  const diff = s.diff.toString();
  const ts = String(s.ts);
  return [
    ["hincrby", keys.roundCurrent(), s.login, diff],
    ["zadd", keys.hashrate(), ts, goJoin(s.diff, s.login, s.workerId, s.ms)],
    ["zadd", keys.minerHashrate(s.login), ts, goJoin(s.diff, s.workerId, s.ms)],
    ["expire", keys.minerHashrate(s.login), String(s.expireS)],
    ["hset", keys.miner(s.login), "lastShare", ts],
  ];
}

/** `WriteShare`'s MULTI: the share, then `roundShares` += diff. */
export function planWriteShare(keys: PoolKeys, s: ShareWrite): RedisCommand[] {
  return [...planShareCommon(keys, s), ["hincrby", keys.stats(), "roundShares", s.diff.toString()]];
}

/** Index of the HGETALL of the renamed round in {@link planWriteBlock}'s replies (the original's `cmds[10]`). */
export const WRITE_BLOCK_ROUND_REPLY = 10;

/**
 * `WriteBlock`'s MULTI: the share (its diff is not added to `roundShares`, which is
 * deleted), the finder counters, then the current round frozen under
 * `P:shares:round<height>:<nonce>` and read back.
 */
export function planWriteBlock(keys: PoolKeys, s: ShareWrite, height: number, nonce: string): RedisCommand[] {
  const round = keys.round(height, nonce);
  return [
    ...planShareCommon(keys, s),
    ["hset", keys.stats(), "lastBlockFound", String(s.ts)],
    ["hdel", keys.stats(), "roundShares"],
    ["zincrby", keys.finders(), "1", s.login],
    ["hincrby", keys.miner(s.login), "blocksFound", "1"],
    ["rename", keys.roundCurrent(), round],
    ["hgetall", round],
  ];
}

/** `WriteBlock`'s last step, outside the MULTI: the candidate scored by height. */
export function planCandidate(keys: PoolKeys, height: number, member: string): RedisCommand {
  return ["zadd", keys.candidates(), String(height), member];
}

/** `WriteNodeState`'s MULTI: the four fields of one node in `P:nodes`. */
export function planWriteNodeState(
  keys: PoolKeys,
  id: string,
  height: bigint,
  difficulty: bigint,
  nowS: number,
): RedisCommand[] {
  return [
    ["hset", keys.nodes(), goJoin(id, "name"), id],
    ["hset", keys.nodes(), goJoin(id, "height"), height.toString()],
    ["hset", keys.nodes(), goJoin(id, "difficulty"), difficulty.toString()],
    ["hset", keys.nodes(), goJoin(id, "lastBeat"), String(nowS)],
  ];
}
