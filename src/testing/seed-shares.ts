import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, durationSeconds } from "../go/duration.js";
import type { PoolKeys } from "../keys/pool-keys.js";
import type { RedisClient, RedisCommand } from "../redis/client.js";
import { unixSeconds } from "../time/clock.js";
import { sendPipeline, throwFirstFailure } from "../writer/send.js";
import { field, type IntegerInput, int64 } from "../writer/writer-inputs.js";

/** One share for {@link PoolSeeder.seedShares}. */
export interface SeedShare {
  readonly login: string;
  readonly workerId: string;
  /** Share difficulty, positive int64. */
  readonly diff: IntegerInput;
  /** When it was found, epoch ms (its score is the truncated second). */
  readonly ms: number;
}

/** Options of {@link PoolSeeder.seedShares}. */
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
  /**
   * Called after each round trip with the number of shares processed so far (their
   * members sent, except per-login members still buffered), and once more with the total
   * when everything is written. Exceptions it throws are swallowed.
   */
  readonly onProgress?: (written: number) => void;
}

/** What {@link PoolSeeder.seedShares} wrote. */
export interface SeedSharesResult {
  /** Shares written (members that collide — same diff, login, worker and ms — count once in Redis). */
  readonly shares: number;
  /** Distinct logins. */
  readonly logins: number;
}

interface LoginTotals {
  /** Σ diff folded so far. */
  sum: bigint;
  /** Σ diff not folded yet: a safe integer, so adding to it is exact (and allocates nothing). */
  pending: number;
  lastTs: number;
}

/**
 * A login's members waiting for their ZADD, kept as parts: building the strings only when
 * the command is sent keeps the buffered shares from surviving GCs as a million strings.
 */
interface LoginBuffer {
  readonly diffs: string[];
  readonly workers: string[];
  readonly ms: number[];
}

/** The last diff seen, converted once: pools use one share difficulty for every share. */
interface DiffCache {
  input: IntegerInput | undefined;
  big: bigint;
  text: string;
  /** The diff as a number, or NaN when it is not a safe integer. */
  num: number;
}

/** The bulk share seeding behind {@link PoolSeeder.seedShares}. @internal */
export async function seedShares(
  client: RedisClient,
  keys: PoolKeys,
  shares: Iterable<SeedShare>,
  options: SeedSharesOptions,
): Promise<SeedSharesResult> {
  const seeder = new ShareSeeder(client, keys, options);
  let index = 0;
  try {
    for (const share of shares) {
      if (seeder.add(share, index)) await seeder.send();
      index += 1;
    }
    await seeder.finish();
  } catch (error) {
    // Settle what is already on its way, so the caller's next step sees a quiet Redis.
    await seeder.settle();
    throw error;
  }
  return { shares: index, logins: seeder.totals.size };
}

/** Per-login members buffered, in units of chunkSize, before every login's buffer is sent. */
const PER_LOGIN_BUFFER_CHUNKS = 100;
/** Round trips in flight: Redis applies one batch while the next is being built. */
const IN_FLIGHT = 2;

/**
 * Groups shares into multi-member ZADDs. `P:hashrate` gets one command per `chunkSize`
 * shares. Per-login members are buffered across chunks (a chunk of a big pool touches
 * many logins once each, and a ZADD per member would be ~5× slower), sent when a
 * login's buffer is full or all buffers together reach `PER_LOGIN_BUFFER_CHUNKS` chunks.
 */
class ShareSeeder {
  readonly totals = new Map<string, LoginTotals>();
  private pool: (string | number)[] = [];
  private perLogin = new Map<string, LoginBuffer>();
  private perLoginMembers = 0;
  private batch: RedisCommand[] = [];
  private batchMembers = 0;
  private processed = 0;
  private readonly workers = new Map<string, string>();
  private readonly diff: DiffCache = { input: undefined, big: 0n, text: "", num: Number.NaN };
  /** Sent batches; each resolves to its failure (never rejects, so none goes unhandled). */
  private inFlight: Promise<Error | undefined>[] = [];
  private readonly chunkSize: number;
  private readonly tripMembers: number;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: PoolKeys,
    private readonly options: SeedSharesOptions,
  ) {
    this.chunkSize = positive("chunkSize", options.chunkSize ?? 1000);
    this.tripMembers = this.chunkSize * positive("chunksPerRoundTrip", options.chunksPerRoundTrip ?? 10);
    // Checked before anything is written.
    if (options.expire !== undefined) durationSeconds(options.expire);
  }

  /** Queues one share; `true` when a round trip's worth is queued and {@link send} is due. */
  add(share: SeedShare, index: number): boolean {
    const at = `shares[${index}]`;
    const login = field(`${at}.login`, share.login);
    const worker = this.intern(field(`${at}.workerId`, share.workerId));
    const diff = this.diffOf(share.diff, at);
    if (!Number.isSafeInteger(share.ms) || share.ms < 0) {
      throw new InvalidArgumentError(`${at}.ms`, `must be a non-negative safe integer, got ${String(share.ms)}`);
    }
    const ts = unixSeconds(share.ms);
    // Template strings rather than goJoin: this loop runs a million times in benchmarks.
    this.pool.push(ts, `${diff.text}:${login}:${worker}:${share.ms}`);
    let own = this.perLogin.get(login);
    if (own === undefined) {
      own = { diffs: [], workers: [], ms: [] };
      this.perLogin.set(login, own);
    }
    own.diffs.push(diff.text);
    own.workers.push(worker);
    own.ms.push(share.ms);
    this.perLoginMembers += 1;
    let total = this.totals.get(login);
    if (total === undefined) {
      total = { sum: 0n, pending: 0, lastTs: ts };
      this.totals.set(login, total);
    }
    total.lastTs = ts;
    if (total.pending + diff.num <= Number.MAX_SAFE_INTEGER) total.pending += diff.num;
    else {
      // NaN (a diff beyond 2^53) also lands here.
      total.sum += BigInt(total.pending) + diff.big;
      total.pending = 0;
    }
    this.processed += 1;
    if (own.ms.length >= this.chunkSize) this.queueLogin(login, own);
    if (this.pool.length / 2 >= this.chunkSize) this.queuePool();
    if (this.perLoginMembers >= this.chunkSize * PER_LOGIN_BUFFER_CHUNKS) this.queueAllLogins();
    return this.batchMembers >= this.tripMembers;
  }

  /** Sends everything left, then the counters and TTLs. */
  async finish(): Promise<void> {
    this.queuePool();
    this.queueAllLogins();
    await this.send();
    await this.drain(0);
    const expireS = this.options.expire === undefined ? undefined : durationSeconds(this.options.expire);
    await writeTotals(this.client, this.keys, this.totals, this.options.counters ?? true, expireS);
    this.report();
  }

  /**
   * One string object per distinct worker id: the buffered members refer to it instead of
   * keeping every share's own copy alive.
   */
  private intern(worker: string): string {
    const known = this.workers.get(worker);
    if (known !== undefined) return known;
    this.workers.set(worker, worker);
    return worker;
  }

  private diffOf(input: IntegerInput, at: string): DiffCache {
    const cache = this.diff;
    if (input !== cache.input) {
      cache.big = int64(`${at}.diff`, input, 1n);
      cache.input = input;
      cache.text = cache.big.toString();
      cache.num = cache.big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cache.big) : Number.NaN;
    }
    return cache;
  }

  private queuePool(): void {
    if (this.pool.length === 0) return;
    this.batch.push(["zadd", this.keys.hashrate(), ...this.pool]);
    this.batchMembers += this.pool.length / 2;
    this.pool = [];
  }

  private queueLogin(login: string, own: LoginBuffer): void {
    const args: (string | number)[] = ["zadd", this.keys.minerHashrate(login)];
    for (let i = 0; i < own.ms.length; i++) {
      const ms = own.ms[i] as number;
      args.push(unixSeconds(ms), `${own.diffs[i]}:${own.workers[i]}:${ms}`);
    }
    this.batch.push(args as unknown as RedisCommand);
    this.batchMembers += own.ms.length;
    this.perLoginMembers -= own.ms.length;
    this.perLogin.delete(login);
  }

  private queueAllLogins(): void {
    for (const [login, args] of this.perLogin) this.queueLogin(login, args);
  }

  /** Sends the queued commands as one pipeline, keeping at most `IN_FLIGHT` unanswered. */
  async send(): Promise<void> {
    if (this.batch.length === 0) return;
    const commands = this.batch;
    const processed = this.processed;
    this.batch = [];
    this.batchMembers = 0;
    this.inFlight.push(
      sendPipeline(this.client, commands, "seedShares").then(
        (replies) => {
          try {
            throwFirstFailure("seedShares", commands, replies, true);
          } catch (error) {
            return error as Error;
          }
          this.report(processed);
          return undefined;
        },
        (error: unknown) => error as Error,
      ),
    );
    await this.drain(IN_FLIGHT - 1);
  }

  /** Waits until at most `keep` batches are in flight; throws the first failure. */
  private async drain(keep: number): Promise<void> {
    while (this.inFlight.length > keep) {
      const failed = await this.inFlight.shift();
      if (failed !== undefined) throw failed;
    }
  }

  /** Waits for every batch in flight, ignoring failures (used when already failing). */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
  }

  private report(processed = this.processed): void {
    try {
      this.options.onProgress?.(processed);
    } catch {
      // A progress display must not break the seeding.
    }
  }
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
  for (const [login, { sum: folded, pending, lastTs }] of totals) {
    const sum = folded + BigInt(pending);
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
