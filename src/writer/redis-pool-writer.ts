import { toHashEntries } from "../convert/reply-shapes.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { PayoutsLockedError } from "../errors/payouts-locked-error.js";
import { type DurationInput, durationSeconds } from "../go/duration.js";
import { goParseIntValue, INT64_MAX } from "../go/int.js";
import { PoolKeys } from "../keys/pool-keys.js";
import type { RedisClient } from "../redis/client.js";
import { failureError } from "../redis/failure.js";
import { type Clock, systemClock, unixSeconds } from "../time/clock.js";
import { candidateKeyOf, goJoin } from "./members.js";
import { planLockPayouts, planRollbackBalance, planUpdateBalance, planWritePayment } from "./plans/payout-plans.js";
import {
  planCandidate,
  planPowCheck,
  planWriteBlock,
  planWriteNodeState,
  planWriteShare,
  type ShareWrite,
  WRITE_BLOCK_ROUND_REPLY,
} from "./plans/share-plans.js";
import {
  planWriteImmatureBlock,
  planWriteMaturedBlock,
  planWriteOrphan,
  planWritePendingOrphans,
} from "./plans/unlocker-plans.js";
import { sendCommand, sendPipeline, sendTransaction } from "./send.js";
import {
  type BlockFields,
  type BlockInput,
  blockFields,
  field,
  height,
  type IntegerInput,
  int64,
  integer,
  type PowParams,
  powParams,
  type RoundRewards,
  roundRewards,
} from "./writer-inputs.js";

/** Options of {@link RedisPoolWriter}. */
export interface RedisPoolWriterOptions {
  /** The key prefix: the pool's `coin` setting (`"eth"`); a hash tag (`"{eth}"`) for Redis Cluster. */
  readonly prefix: string;
  /**
   * The clock, epoch milliseconds. Each write takes one reading (the original's
   * `util.MakeTimestamp()`): share members carry it, scores are its second.
   * @defaultValue `Date.now`
   */
  readonly now?: Clock;
}

/**
 * Writes a pool's data exactly as open-ethereum-pool's storage writers do
 * (`storage/redis.go`, reference §1.3): the same keys, members, MULTI boundaries and
 * command order, so what it writes is what the original's proxy, unlocker and payer write.
 *
 * Methods mirror the Go functions (`WriteShare` → `writeShare`, …) and their return
 * values. Differences, all documented in the README: invalid input (a `:` inside a
 * joined field, amounts outside int64, negative heights) is an `InvalidArgumentError`
 * before any command; the PoW pruning does not underflow below height 8; a held payout
 * lock is a `PayoutsLockedError`; a command Redis refuses is a `CommandFailedError`.
 *
 * @example
 * ```ts
 * const writer = new RedisPoolWriter(redis, { prefix: "eth" });
 * const duplicate = await writer.writeShare(login, "rig1", [nonce, powHash, mixDigest], 4_000_000_000n, 18_600_000, "3h");
 * ```
 */
export class RedisPoolWriter {
  /** The keys of the pool this writer writes. */
  readonly keys: PoolKeys;
  /** The Redis connection, as given. */
  readonly redis: RedisClient;
  private readonly now: Clock;

  constructor(redis: RedisClient, options: RedisPoolWriterOptions) {
    this.redis = redis;
    this.keys = new PoolKeys(options.prefix);
    this.now = options.now ?? systemClock;
  }

  /** `WriteNodeState`: a proxy's heartbeat in `P:nodes` (name, height, difficulty, lastBeat = now). */
  async writeNodeState(id: string, nodeHeight: IntegerInput, difficulty: IntegerInput): Promise<void> {
    const plan = planWriteNodeState(
      this.keys,
      field("id", id),
      integer("height", nodeHeight, 0n, (1n << 64n) - 1n),
      integer("difficulty", difficulty, 0n),
      unixSeconds(this.now()),
    );
    await sendTransaction(this.redis, plan, "writeNodeState");
  }

  /**
   * `WriteShare`: one valid share. First the PoW de-duplication (outside the MULTI), then
   * the share's MULTI.
   *
   * @param params - `[nonce, hashNoNonce, mixDigest]` as submitted
   * @param diff - the share difficulty (positive int64)
   * @param templateHeight - the job's block height (scores `P:pow`)
   * @param expire - TTL of `P:hashrate:<login>` (`hashrateExpiration`, e.g. `"3h"`), truncated
   *   to seconds; 0 deletes the key, as the original's `EXPIRE key 0` does
   * @returns `true` when the PoW triple was already submitted: nothing else is written
   */
  async writeShare(
    login: string,
    workerId: string,
    params: PowParams,
    diff: IntegerInput,
    templateHeight: number,
    expire: DurationInput,
  ): Promise<boolean> {
    const share = this.share(login, workerId, diff, expire);
    const checked = powParams(params);
    const h = height("height", templateHeight);
    if (await this.powExists(h, checked, "writeShare")) return true;
    await sendTransaction(this.redis, planWriteShare(this.keys, share), "writeShare");
    return false;
  }

  /**
   * `WriteBlock`: a share that solved a block. The PoW de-duplication, the share's MULTI
   * (which freezes the round as `P:shares:round<height>:<nonce>` and reads it back), then
   * the candidate member with the round's total, outside the MULTI.
   *
   * @param roundDiff - the template's network difficulty (int64 ≥ 0)
   * @returns `true` when the PoW triple was already submitted: nothing else is written
   */
  async writeBlock(
    login: string,
    workerId: string,
    params: PowParams,
    diff: IntegerInput,
    roundDiff: IntegerInput,
    templateHeight: number,
    expire: DurationInput,
  ): Promise<boolean> {
    const share = this.share(login, workerId, diff, expire);
    const checked = powParams(params);
    const network = int64("roundDiff", roundDiff, 0n);
    const h = height("height", templateHeight);
    if (await this.powExists(h, checked, "writeBlock")) return true;
    const replies = await sendTransaction(this.redis, planWriteBlock(this.keys, share, h, checked[0]), "writeBlock");
    // Parse errors count as 0, as in the original; the sum itself is exact (Go's wraps at 2^63).
    let totalShares = 0n;
    for (const [, value] of toHashEntries(replies[WRITE_BLOCK_ROUND_REPLY]) ?? []) {
      totalShares += goParseIntValue(value);
    }
    const candidate = goJoin(...checked, share.ts, network, totalShares);
    await sendCommand(this.redis, planCandidate(this.keys, h, candidate), "writeBlock");
    return false;
  }

  /**
   * `WriteImmatureBlock`: an unlocked candidate (or uncle) moves to `P:blocks:immature`
   * and every payee is credited its immature Shannon (logged in `P:credits:immature:…`).
   */
  async writeImmatureBlock(block: BlockInput, rewards: RoundRewards): Promise<void> {
    const fields = blockFields("block", block);
    const plan = planWriteImmatureBlock(this.keys, fields, candidateKeyOf("block", fields), roundRewards(rewards));
    await sendTransaction(this.redis, plan, "writeImmatureBlock");
  }

  /**
   * `WritePendingOrphans`: candidates the unlocker found orphaned move to
   * `P:blocks:immature` as written (the unlocker sets `orphan: true` and no hash first).
   */
  async writePendingOrphans(blocks: readonly BlockInput[]): Promise<void> {
    if (!Array.isArray(blocks)) throw new InvalidArgumentError("blocks", "must be an array of blocks");
    const checked = blocks.map((block, i): [BlockFields, string] => {
      const fields = blockFields(`blocks[${i}]`, block);
      return [fields, candidateKeyOf(`blocks[${i}]`, fields)];
    });
    await sendTransaction(this.redis, planWritePendingOrphans(this.keys, checked), "writePendingOrphans");
  }

  /**
   * `WriteMaturedBlock`: a mature block moves to `P:blocks:matured`; its immature credits
   * (read from the credit log under WATCH) are reversed, `rewards` credited to balances,
   * and `P:finances` and `P:credits:all` updated. Needs `block.immatureKey` and `block.reward`.
   *
   * The WATCH guards the credit log the way the original does; it is only meaningful if no
   * other transaction runs on the same connection meanwhile (give the writer its own).
   */
  async writeMaturedBlock(block: BlockInput, rewards: RoundRewards): Promise<void> {
    const fields = blockFields("block", block);
    const immatureKey = required("block.immatureKey", fields.immatureKey);
    const reward = required("block.reward", fields.reward);
    if (reward / 1_000_000_000n > INT64_MAX) throw new InvalidArgumentError("block.reward", "in Shannon exceeds int64");
    const checkedRewards = roundRewards(rewards);
    const immatureCredits = await this.watchImmatureCredits(fields, "writeMaturedBlock");
    const plan = planWriteMaturedBlock(this.keys, fields, {
      immatureKey,
      immatureCredits,
      rewards: checkedRewards,
      reward,
      nowS: unixSeconds(this.now()),
    });
    await sendTransaction(this.redis, plan, "writeMaturedBlock");
  }

  /**
   * `WriteOrphan`: an immature block turned out orphaned. It moves to `P:blocks:matured`
   * as given (the unlocker sets `orphan: true` and drops the reward) and its immature
   * credits are reversed. Needs `block.immatureKey`.
   */
  async writeOrphan(block: BlockInput): Promise<void> {
    const fields = blockFields("block", block);
    const immatureKey = required("block.immatureKey", fields.immatureKey);
    const immatureCredits = await this.watchImmatureCredits(fields, "writeOrphan");
    await sendTransaction(this.redis, planWriteOrphan(this.keys, fields, immatureKey, immatureCredits), "writeOrphan");
  }

  /** `IsPayoutsLocked`: whether `P:payments:lock` exists. */
  async isPayoutsLocked(): Promise<boolean> {
    return (await sendCommand(this.redis, ["get", this.keys.paymentsLock()], "isPayoutsLocked")) !== null;
  }

  /**
   * `LockPayouts`: takes the payout lock (`SETNX login:amount`, no expiry).
   * @throws {@link PayoutsLockedError} when it is already held
   */
  async lockPayouts(login: string, amount: IntegerInput): Promise<void> {
    const command = planLockPayouts(this.keys, field("login", login), shannon(amount));
    if (Number(await sendCommand(this.redis, command, "lockPayouts")) !== 1) {
      throw new PayoutsLockedError(this.keys.paymentsLock());
    }
  }

  /** `UnlockPayouts`: releases the payout lock. */
  async unlockPayouts(): Promise<void> {
    await sendCommand(this.redis, ["del", this.keys.paymentsLock()], "unlockPayouts");
  }

  /** `UpdateBalance`: moves `amount` Shannon from balance to pending before a payout is sent. */
  async updateBalance(login: string, amount: IntegerInput): Promise<void> {
    const plan = planUpdateBalance(this.keys, field("login", login), shannon(amount), unixSeconds(this.now()));
    await sendTransaction(this.redis, plan, "updateBalance");
  }

  /** `RollbackBalance`: undoes `updateBalance` when the payout could not be sent. */
  async rollbackBalance(login: string, amount: IntegerInput): Promise<void> {
    await sendTransaction(
      this.redis,
      planRollbackBalance(this.keys, field("login", login), shannon(amount)),
      "rollbackBalance",
    );
  }

  /** `WritePayment`: records a sent payout (pending → paid, payment rows) and releases the lock. */
  async writePayment(login: string, txHash: string, amount: IntegerInput): Promise<void> {
    const plan = planWritePayment(
      this.keys,
      field("login", login),
      field("txHash", txHash),
      shannon(amount),
      unixSeconds(this.now()),
    );
    await sendTransaction(this.redis, plan, "writePayment");
  }

  private share(login: string, workerId: string, diff: IntegerInput, expire: DurationInput): ShareWrite {
    const ms = this.now();
    return {
      login: field("login", login),
      workerId: field("workerId", workerId),
      diff: int64("diff", diff, 1n),
      ms,
      ts: unixSeconds(ms),
      expireS: durationSeconds(expire),
    };
  }

  /** `checkPoWExist`: prune, add; a ZADD of 0 means the triple was seen. */
  private async powExists(h: number, params: PowParams, operation: string): Promise<boolean> {
    const plan = planPowCheck(this.keys, h, params.join(":"));
    const [, added] = await sendPipeline(this.redis, plan, operation);
    // Like the original, only the ZADD's outcome counts (the prune's error is ignored).
    if (added === undefined) throw failureError(operation, new Error("no reply to ZADD"), { command: plan[1] });
    if (!added.ok) throw failureError(operation, added.error, { command: plan[1] });
    return Number(added.value) === 0;
  }

  /**
   * WATCH the block's immature credit log and read it, as the original does before its
   * MULTI; values parsed the Go way (bad text is 0). A log of the wrong type fails here
   * (the original would read it as empty and then delete it).
   */
  private async watchImmatureCredits(block: BlockFields, operation: string): Promise<[string, bigint][]> {
    const creditKey = this.keys.immatureCredits(block.roundHeight, block.hash);
    await sendCommand(this.redis, ["watch", creditKey], operation);
    let reply: unknown;
    try {
      reply = await sendCommand(this.redis, ["hgetall", creditKey], operation);
    } catch (error) {
      await sendCommand(this.redis, ["unwatch"], operation).catch(() => undefined);
      throw error;
    }
    return (toHashEntries(reply) ?? []).map(([login, value]) => [login, goParseIntValue(value)]);
  }
}

/** A payout amount: positive int64 Shannon. */
function shannon(amount: IntegerInput): bigint {
  return int64("amount", amount, 1n);
}

function required<T>(name: string, value: T | null | undefined): T {
  if (value === undefined || value === null) throw new InvalidArgumentError(name, "is required here");
  return value;
}
