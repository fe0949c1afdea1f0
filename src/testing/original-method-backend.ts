import { loginArgument, rowLimit, windowSeconds } from "../backend/arguments.js";
import { type CollectStatsArgs, planPoolSnapshot, transformPoolSnapshot } from "../backend/reads/collect-stats.js";
import type { WorkersStatsArgs } from "../backend/reads/workers-stats.js";
import { RedisStatsBackend, type RedisStatsBackendOptions } from "../backend/redis-stats-backend.js";
import { ReplyReader } from "../backend/reply-reader.js";
import { MalformedTally } from "../convert/malformed.js";
import { convertMinersStats } from "../convert/miners.js";
import { convertWorkersStats } from "../convert/workers.js";
import type { DurationInput } from "../go/duration.js";
import type { PoolKeys } from "../keys/pool-keys.js";
import type { HashrateWindow } from "../model/hashrate.js";
import type { PoolStats, WorkersStats } from "../model/results.js";
import type { RedisClient } from "../redis/client.js";
import { sendPlan } from "../redis/exec.js";
import type { PlanReplies } from "../redis/plan.js";
import { readClock, unixSeconds } from "../time/clock.js";

/**
 * The original's CollectStats MULTI, command for command (reference §2.2): trim
 * `P:hashrate` to the window (a write), read all of it, then the pool snapshot.
 */
export function planOriginalCollectStats(keys: PoolKeys, args: CollectStatsArgs) {
  return {
    trim: ["zremrangebyscore", keys.hashrate(), "-inf", `(${args.nowS - args.windowS}`],
    window: ["zrange", keys.hashrate(), 0, -1, "WITHSCORES"],
    ...planPoolSnapshot(keys, args),
  } as const;
}

/** Turns the replies of {@link planOriginalCollectStats} into a {@link PoolStats}. */
export function transformOriginalCollectStats(
  replies: PlanReplies<ReturnType<typeof planOriginalCollectStats>>,
  keys: PoolKeys,
  args: CollectStatsArgs,
  tally: MalformedTally,
): PoolStats {
  const read = new ReplyReader(tally, "collectStats");
  read.count(replies.trim, keys.hashrate());
  const window = read.zset(replies.window, keys.hashrate());
  const hashrate = convertMinersStats(window, args.nowS, args.windowS, tally.sink(keys.hashrate()));
  return transformPoolSnapshot(replies, keys, args, hashrate, tally);
}

/**
 * The original's CollectWorkersStats MULTI (reference §2.5): trim the account's share
 * ZSET to the large window (a write), then read all of it.
 */
export function planOriginalWorkersStats(keys: PoolKeys, login: string, args: WorkersStatsArgs) {
  const key = keys.minerHashrate(login);
  return {
    trim: ["zremrangebyscore", key, "-inf", `(${args.nowS - args.largeWindowS}`],
    window: ["zrange", key, 0, -1, "WITHSCORES"],
  } as const;
}

/** Turns the replies of {@link planOriginalWorkersStats} into {@link WorkersStats}. */
export function transformOriginalWorkersStats(
  replies: PlanReplies<ReturnType<typeof planOriginalWorkersStats>>,
  keys: PoolKeys,
  login: string,
  args: WorkersStatsArgs,
  tally: MalformedTally,
): WorkersStats {
  const key = keys.minerHashrate(login);
  const read = new ReplyReader(tally, "collectWorkersStats");
  read.count(replies.trim, key);
  const workers = convertWorkersStats(
    read.zset(replies.window, key),
    args.nowS,
    args.smallWindowS,
    args.largeWindowS,
    tally.sink(key),
  );
  return { ...workers, malformed: tally.snapshot() };
}

/**
 * A backend that reads share windows the original's way: trim (a write), then one full
 * `ZRANGE 0 -1` of the window, every time. For comparisons and benchmarks — it is what
 * open-pool-stats is measured against — and for replaying the original's recorded calls.
 * It needs a writable Redis, and holds Redis for about a second per million shares.
 * The other reads are {@link RedisStatsBackend}'s.
 */
export class OriginalMethodBackend extends RedisStatsBackend {
  readonly #atomic: boolean;
  readonly #onMalformed: RedisStatsBackendOptions["onMalformed"];

  constructor(redis: RedisClient, options: RedisStatsBackendOptions) {
    super(redis, options);
    this.#atomic = options.atomicReads ?? true;
    this.#onMalformed = options.onMalformed;
  }

  /** The original's CollectStats: trim, full read, snapshot, in one MULTI. */
  override async collectStats(
    window: DurationInput | HashrateWindow,
    maxBlocks: number,
    maxPayments: number,
  ): Promise<PoolStats> {
    const windowS = typeof window === "object" ? window.windowSeconds : windowSeconds("window", window);
    const nowMs = readClock(this.now);
    const args = {
      nowMs,
      nowS: unixSeconds(nowMs),
      windowS,
      maxBlocks: rowLimit("maxBlocks", maxBlocks),
      maxPayments: rowLimit("maxPayments", maxPayments),
    };
    const plan = planOriginalCollectStats(this.keys, args);
    const replies = await sendPlan(this.redis, plan, { operation: "collectStats", transaction: this.#atomic });
    return transformOriginalCollectStats(replies, this.keys, args, new MalformedTally(this.#onMalformed));
  }

  /** The original's CollectWorkersStats: trim, then the whole large window. */
  override async collectWorkersStats(
    smallWindow: DurationInput,
    largeWindow: DurationInput,
    login: string,
  ): Promise<WorkersStats> {
    const checked = loginArgument(login);
    const args = {
      nowS: unixSeconds(readClock(this.now)),
      smallWindowS: windowSeconds("smallWindow", smallWindow),
      largeWindowS: windowSeconds("largeWindow", largeWindow),
    };
    const plan = planOriginalWorkersStats(this.keys, checked, args);
    const replies = await sendPlan(this.redis, plan, { operation: "collectWorkersStats", transaction: this.#atomic });
    return transformOriginalWorkersStats(replies, this.keys, checked, args, new MalformedTally(this.#onMalformed));
  }
}
