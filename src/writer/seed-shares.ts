import type { RedisClient, RedisCommand } from "../backend/redis-client.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { PoolKeys } from "../keys/pool-keys.js";
import { unixSeconds } from "../time/clock.js";
import { type DurationInput, durationSeconds } from "../time/duration.js";
import { goJoin } from "./members.js";
import { sendPipeline, throwFirstFailure } from "./write-runner.js";
import { field, type IntegerInput, int64 } from "./writer-inputs.js";

/** One share for {@link RedisPoolWriter.seedShares}. */
export interface SeedShare {
  readonly login: string;
  readonly workerId: string;
  /** Share difficulty, positive int64. */
  readonly diff: IntegerInput;
  /** When it was found, epoch ms (its score is the truncated second). */
  readonly ms: number;
}

/** Options of {@link RedisPoolWriter.seedShares}. */
export interface SeedSharesOptions {
  /**
   * Members per ZADD command.
   * @defaultValue 1000
   */
  readonly chunkSize?: number;
  /**
   * Chunks sent per pipeline round trip (more → fewer round trips, longer stalls of other clients).
   * @defaultValue 10
   */
  readonly chunksPerRoundTrip?: number;
  /**
   * TTL of every touched `P:hashrate:<login>` key, set once at the end (the proxy's
   * `hashrateExpiration`). Omitted: the keys get no TTL.
   */
  readonly expire?: DurationInput;
  /**
   * Also add the shares to `P:shares:roundCurrent`, `P:stats.roundShares` and
   * `P:miners:<login>.lastShare`, as `writeShare` would have.
   * @defaultValue true
   */
  readonly counters?: boolean;
  /** Called after each round trip with the number of shares written so far. Exceptions it throws are swallowed. */
  readonly onProgress?: (written: number) => void;
}

/** What {@link RedisPoolWriter.seedShares} wrote. */
export interface SeedSharesResult {
  /** Shares sent (members that collide — same diff, login, worker and ms — count once in Redis). */
  readonly shares: number;
  /** Distinct logins. */
  readonly logins: number;
}

interface LoginTotals {
  sum: bigint;
  lastTs: number;
}

/** The bulk share seeding behind {@link RedisPoolWriter.seedShares}. @internal */
export async function seedShares(
  client: RedisClient,
  keys: PoolKeys,
  shares: Iterable<SeedShare>,
  options: SeedSharesOptions,
): Promise<SeedSharesResult> {
  const chunkSize = positive("chunkSize", options.chunkSize ?? 1000);
  const perTrip = positive("chunksPerRoundTrip", options.chunksPerRoundTrip ?? 10);
  const expireS = options.expire === undefined ? undefined : durationSeconds(options.expire);
  const counters = options.counters ?? true;
  const totals = new Map<string, LoginTotals>();
  let pool: (string | number)[] = [];
  let perLogin = new Map<string, (string | number)[]>();
  let batch: RedisCommand[] = [];
  let inChunk = 0;
  let chunks = 0;
  let written = 0;
  let pending = 0;

  const endChunk = (): void => {
    if (inChunk === 0) return;
    batch.push(["zadd", keys.hashrate(), ...pool]);
    for (const [login, args] of perLogin) batch.push(["zadd", keys.minerHashrate(login), ...args]);
    pool = [];
    perLogin = new Map();
    pending += inChunk;
    inChunk = 0;
    chunks += 1;
  };
  const flush = async (): Promise<void> => {
    endChunk();
    if (batch.length === 0) return;
    const commands = batch;
    batch = [];
    chunks = 0;
    throwFirstFailure("seedShares", commands, await sendPipeline(client, commands, "seedShares"), true);
    written += pending;
    pending = 0;
    try {
      options.onProgress?.(written);
    } catch {
      // A progress display must not break the seeding.
    }
  };

  let index = 0;
  for (const share of shares) {
    const at = `shares[${index}]`;
    const login = field(`${at}.login`, share.login);
    const worker = field(`${at}.workerId`, share.workerId);
    const diff = int64(`${at}.diff`, share.diff, 1n);
    if (!Number.isSafeInteger(share.ms) || share.ms < 0) {
      throw new InvalidArgumentError(`${at}.ms`, `must be a non-negative safe integer, got ${String(share.ms)}`);
    }
    const ts = unixSeconds(share.ms);
    pool.push(ts, goJoin(diff, login, worker, share.ms));
    let own = perLogin.get(login);
    if (own === undefined) {
      own = [];
      perLogin.set(login, own);
    }
    own.push(ts, goJoin(diff, worker, share.ms));
    const total = totals.get(login);
    if (total === undefined) totals.set(login, { sum: diff, lastTs: ts });
    else {
      total.sum += diff;
      total.lastTs = ts;
    }
    index += 1;
    inChunk += 1;
    if (inChunk === chunkSize) {
      endChunk();
      if (chunks >= perTrip) await flush();
    }
  }
  await flush();
  await writeTotals(client, keys, totals, counters, expireS);
  return { shares: written, logins: totals.size };
}

/** The per-login counters and TTLs, once, after all members are in. */
async function writeTotals(
  client: RedisClient,
  keys: PoolKeys,
  totals: ReadonlyMap<string, LoginTotals>,
  counters: boolean,
  expireS: number | undefined,
): Promise<void> {
  const commands: RedisCommand[] = [];
  let roundShares = 0n;
  for (const [login, { sum, lastTs }] of totals) {
    if (counters) {
      roundShares += sum;
      commands.push(["hincrby", keys.roundCurrent(), login, sum.toString()]);
      commands.push(["hset", keys.miner(login), "lastShare", String(lastTs)]);
    }
    if (expireS !== undefined) commands.push(["expire", keys.minerHashrate(login), String(expireS)]);
  }
  if (counters && totals.size > 0) commands.push(["hincrby", keys.stats(), "roundShares", roundShares.toString()]);
  if (commands.length === 0) return;
  throwFirstFailure("seedShares", commands, await sendPipeline(client, commands, "seedShares"), true);
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}
