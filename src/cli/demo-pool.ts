import type { Redis } from "ioredis";
import { PoolSeeder } from "../testing/pool-seeder.js";
import type { SeedShare } from "../testing/seed-shares.js";
import { RedisPoolWriter } from "../writer/redis-pool-writer.js";
import type { PowParams } from "../writer/writer-inputs.js";
import { createDemoMiners, type DemoMiner, type DemoWorker } from "./demo-miners.js";
import { DemoUnlocker } from "./demo-unlocker.js";
import { errorMessage, type Logger } from "./logger.js";

/** Options of {@link DemoPool}. @internal */
export interface DemoPoolOptions {
  /** How many miners (each with 1–4 rigs). */
  readonly miners: number;
  readonly log: Logger;
  /** @defaultValue `Math.random` */
  readonly random?: () => number;
}

/** The proxy's share difficulty (the example config's is 2e9). */
const SHARE_DIFF = 4_000_000_000n;
/**
 * The pool finds a block every 95 s on average: the network difficulty follows. (In the
 * history, a minute holds a block with probability 60/95, so rounds average one
 * difficulty of shares there too: luck near 100%.)
 */
const POOL_BLOCK_TIME_S = 95;
/** A network block every 13 s: the nodes' height moves on. */
const NETWORK_BLOCK_TIME_S = 13;
const FIRST_HEIGHT = 18_600_000;
const HISTORY_MS = 2 * 3600_000;
const EXPIRE = "3h";
const TICK_MS = 250;

/**
 * A simulated open-ethereum-pool writing into Redis through {@link RedisPoolWriter}, as
 * its proxies, unlocker and payer would: two hours of history first (compressed: one
 * share member per rig and minute, with blocks, unlocks and payouts along the way), then
 * live shares at the rigs' real rate, blocks found, unlocked, matured or orphaned,
 * payouts, and node heartbeats every few seconds.
 *
 * All writes run one at a time on the writer's own connection (the matured-block writer
 * WATCHes a key). A failed write is logged and the simulation goes on.
 * @internal
 */
export class DemoPool {
  readonly miners: readonly DemoMiner[];
  private readonly workers: readonly DemoWorker[];
  private readonly writer: RedisPoolWriter;
  private readonly seeder: PoolSeeder;
  private readonly unlocker: DemoUnlocker;
  private readonly random: () => number;
  private readonly log: Logger;
  /** The network difficulty: the pool's hashrate times its block time. */
  private readonly difficulty: bigint;
  private readonly startMs = Date.now();
  /** A fixed time while the history is written; the wall clock afterwards. */
  private clockAt: number | undefined;
  private powSeq = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private lastFailure = "";

  constructor(redis: Redis, prefix: string, options: DemoPoolOptions) {
    this.random = options.random ?? Math.random;
    this.log = options.log;
    this.miners = createDemoMiners(options.miners, this.random);
    this.workers = this.miners.flatMap((miner) => miner.workers);
    this.writer = new RedisPoolWriter(redis, { prefix, now: () => this.clockAt ?? Date.now() });
    this.seeder = new PoolSeeder(redis, { prefix });
    this.unlocker = new DemoUnlocker(this.writer, redis, this.random, () =>
      this.clockAt === undefined ? options.log : undefined,
    );
    const hashrate = this.workers.reduce((sum, worker) => sum + worker.hashrate, 0);
    this.difficulty = BigInt(Math.round(hashrate * POOL_BLOCK_TIME_S));
  }

  /** Hashes per second of the whole pool. */
  get hashrate(): number {
    return this.workers.reduce((sum, worker) => sum + worker.hashrate, 0);
  }

  /**
   * Writes the last two hours (the large window then holds as much as a pool that has run
   * for two hours, and luck has its 64-block row), minute by minute. The shares of a round
   * go in with one `seedShares` call just before its block, so the round's sums are right.
   * Call once, before `start()`.
   */
  async seedHistory(): Promise<void> {
    const end = Date.now();
    let pending: SeedShare[] = [];
    for (let minute = end - HISTORY_MS, i = 0; minute < end; minute += 60_000, i++) {
      for (const worker of this.workers) {
        pending.push({
          login: worker.login,
          workerId: worker.id,
          // The minute's shares in one member: the same sums, 60 times fewer members.
          diff: BigInt(Math.max(1, Math.round(worker.hashrate * 60 * (0.7 + 0.6 * this.random())))),
          ms: minute + Math.floor(this.random() * 60_000),
        });
      }
      if (this.random() < 60 / POOL_BLOCK_TIME_S) {
        await this.seeder.seedShares(pending, { expire: EXPIRE });
        pending = [];
        this.clockAt = minute + 59_000;
        await this.findBlock(this.pickWorker());
      }
      this.clockAt = minute + 60_000;
      await this.unlocker.unlock(Math.trunc(this.clockAt / 1000));
      if (i % 20 === 19) await this.unlocker.pay();
    }
    await this.seeder.seedShares(pending, { expire: EXPIRE });
    this.clockAt = undefined;
    await this.heartbeat();
    this.log.info(`History written: ${this.unlocker.summary()}`);
  }

  /** Starts the live simulation. */
  start(): void {
    const every = (ms: number, job: () => Promise<void>) => {
      this.timers.push(setInterval(() => this.enqueue(job), ms));
    };
    every(TICK_MS, () => this.tick(TICK_MS / 1000));
    every(3_000, () => this.heartbeat());
    every(5_000, () => this.unlocker.unlock(Math.trunc(Date.now() / 1000)));
    every(20_000, () => this.unlocker.pay());
  }

  /** Stops the timers and waits for the write in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.queue;
  }

  /** Runs `job` after the writes before it; a failure is logged (once per message in a row). */
  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).then(
      () => {
        this.lastFailure = "";
      },
      (error: unknown) => {
        const message = errorMessage(error);
        if (message !== this.lastFailure) this.log.error(`Demo pool write failed: ${message}`);
        this.lastFailure = message;
      },
    );
  }

  /** `seconds` of live mining: each rig submits a share with probability rate × time. */
  private async tick(seconds: number): Promise<void> {
    const blockChance = Number(SHARE_DIFF) / Number(this.difficulty);
    for (const worker of this.workers) {
      if (this.random() >= (worker.hashrate * seconds) / Number(SHARE_DIFF)) continue;
      if (this.random() < blockChance) await this.findBlock(worker);
      else await this.writer.writeShare(worker.login, worker.id, this.pow(), SHARE_DIFF, this.height(), EXPIRE);
    }
  }

  private async findBlock(worker: DemoWorker): Promise<void> {
    const params = this.pow();
    const height = this.height();
    const now = this.clockAt ?? Date.now();
    await this.writer.writeBlock(worker.login, worker.id, params, SHARE_DIFF, this.difficulty, height, EXPIRE);
    const [nonce, powHash, mixDigest] = params;
    const block = { height, nonce, powHash, mixDigest, timestamp: Math.trunc(now / 1000), difficulty: this.difficulty };
    const candidate = await this.unlocker.found(block);
    if (this.clockAt === undefined) {
      const luck = Number((candidate.totalShares * 1000n) / this.difficulty) / 10;
      this.log.info(`Block ${height} found by ${worker.login} (${worker.id}), round at ${luck}% of the difficulty`);
    }
  }

  /** Two proxies report the network's height and difficulty; the backup lags now and then. */
  private async heartbeat(): Promise<void> {
    const height = this.height();
    await this.writer.writeNodeState("main", height, this.difficulty);
    await this.writer.writeNodeState("backup", height - (this.random() < 0.3 ? 1 : 0), this.difficulty);
  }

  private height(): number {
    const now = this.clockAt ?? Date.now();
    return FIRST_HEIGHT + Math.floor((now - (this.startMs - HISTORY_MS)) / (NETWORK_BLOCK_TIME_S * 1000));
  }

  private pickWorker(): DemoWorker {
    let left = this.random() * this.hashrate;
    for (const worker of this.workers) {
      left -= worker.hashrate;
      if (left <= 0) return worker;
    }
    return this.workers[this.workers.length - 1] as DemoWorker;
  }

  /** A unique PoW triple (the proxy's de-duplication would drop a repeated one). */
  private pow(): PowParams {
    const n = (++this.powSeq).toString(16);
    return [`0x${n.padStart(16, "0")}`, `0x${n.padStart(64, "a")}`, `0x${n.padStart(64, "b")}`];
  }
}
