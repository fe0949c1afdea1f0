import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { INT64_MAX, INT64_MIN } from "../go/int.js";

/** An integer argument: a `bigint`, or a `number` that is a safe integer. */
export type IntegerInput = bigint | number;

/**
 * The three PoW values a miner submits, as the proxy hands them to the original's
 * `WriteShare`/`WriteBlock`: `[nonce, hashNoNonce, mixDigest]` (0x-hex strings).
 */
export type PowParams = readonly [nonce: string, hashNoNonce: string, mixDigest: string];

/** Shannon per login credited for one block (the unlocker's `roundRewards`). */
export type RoundRewards = ReadonlyMap<string, IntegerInput> | Readonly<Record<string, IntegerInput>>;

/**
 * A block as the original's unlocker hands it to the storage writers (Go `BlockData`,
 * the fields those writers use). Build it from a candidate (for `writeImmatureBlock`,
 * `writePendingOrphans`) or from an immature block (for `writeMaturedBlock`, `writeOrphan`)
 * after setting what the unlocker sets (hash, reward, orphan, uncle height, height).
 */
export interface BlockInput {
  /** `Height`: the block's height; for an uncle, the height of the block that included it. */
  readonly height: number;
  /**
   * `RoundHeight`: the height its round hash `P:shares:round<H>:<nonce>` is stored under.
   * @defaultValue `height`
   */
  readonly roundHeight?: number;
  /** `UncleHeight`: the uncle's own height, 0 for a normal block. @defaultValue 0 */
  readonly uncleHeight?: IntegerInput;
  /** `Orphan`. @defaultValue false */
  readonly orphan?: boolean;
  /** `Nonce`, e.g. `"0x1122334455667788"`. */
  readonly nonce: string;
  /** `PowHash` (the share's hashNoNonce); only used to rebuild a missing `candidateKey`. */
  readonly powHash?: string;
  /** `MixDigest`; only used to rebuild a missing `candidateKey`. */
  readonly mixDigest?: string;
  /** `Hash`, the block hash; `""` (the default) is written as `0x0` in members. @defaultValue "" */
  readonly hash?: string;
  /** `Timestamp`: Unix seconds when the block share was found. */
  readonly timestamp: IntegerInput;
  /** `Difficulty`: the template's network difficulty. */
  readonly difficulty: IntegerInput;
  /** `TotalShares`: the round's share-difficulty sum. */
  readonly totalShares: IntegerInput;
  /** `Reward` in wei; `null`/absent is Go's nil and is written as `0`. */
  readonly reward?: bigint | null;
  /**
   * The exact `P:blocks:candidates` member to remove. @defaultValue rebuilt from nonce,
   * powHash, mixDigest, timestamp, difficulty and totalShares, as `writeBlock` wrote it
   */
  readonly candidateKey?: string;
  /**
   * The exact `P:blocks:immature` member to remove (required by `writeMaturedBlock` and
   * `writeOrphan`: the orphan flag and reward it was written with may differ from this block's).
   */
  readonly immatureKey?: string;
}

/** A validated {@link BlockInput}. @internal */
export interface BlockFields {
  readonly height: number;
  readonly roundHeight: number;
  readonly uncleHeight: bigint;
  readonly orphan: boolean;
  readonly nonce: string;
  readonly powHash: string | undefined;
  readonly mixDigest: string | undefined;
  readonly hash: string;
  readonly timestamp: bigint;
  readonly difficulty: bigint;
  readonly totalShares: bigint;
  readonly reward: bigint | null;
  readonly candidateKey: string | undefined;
  readonly immatureKey: string | undefined;
}

/**
 * A string that becomes one `:`-joined field of a member or key: a `:` inside it would
 * shift every field after it (and a reader would then see another login or worker).
 * @internal
 */
export function field(name: string, value: unknown, { allowEmpty = false } = {}): string {
  if (typeof value !== "string") throw new InvalidArgumentError(name, `must be a string, got ${typeof value}`);
  if (value === "" && !allowEmpty) throw new InvalidArgumentError(name, "must not be empty");
  if (value.includes(":")) {
    throw new InvalidArgumentError(
      name,
      `must not contain ":" (it would corrupt the joined member): ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** An integer within `[min, max]` (int64 by default), as a `bigint`. @internal */
export function int64(name: string, value: unknown, min = INT64_MIN, max = INT64_MAX): bigint {
  return integer(name, value, min, max);
}

/** An integer with optional bounds (`undefined`: unbounded, as Go's `*big.Int`). @internal */
export function integer(name: string, value: unknown, min?: bigint, max?: bigint): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else throw new InvalidArgumentError(name, `must be an integer (bigint or safe-integer number), got ${String(value)}`);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    throw new InvalidArgumentError(name, `must be within [${min ?? "-inf"}, ${max ?? "+inf"}], got ${n}`);
  }
  return n;
}

/** A height or other non-negative count held in a ZSET score: a safe integer ≥ 0. @internal */
export function height(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, `must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}

/** The PoW triple: three non-empty strings without `:`. @internal */
export function powParams(value: unknown): PowParams {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new InvalidArgumentError("params", "must be [nonce, hashNoNonce, mixDigest]");
  }
  return [field("params[0]", value[0]), field("params[1]", value[1]), field("params[2]", value[2])];
}

/** Round rewards as `[login, shannon]` pairs in the caller's order, total checked against int64. @internal */
export function roundRewards(value: unknown): [string, bigint][] {
  if (value === null || typeof value !== "object") {
    throw new InvalidArgumentError("roundRewards", "must be a Map or an object of login → Shannon");
  }
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  let total = 0n;
  const out = entries.map(([login, amount]): [string, bigint] => {
    const checked = int64(`roundRewards[${String(login)}]`, amount, 0n);
    total += checked;
    return [field("roundRewards login", login), checked];
  });
  if (total > INT64_MAX) throw new InvalidArgumentError("roundRewards", `total ${total} exceeds int64`);
  return out;
}

/** Validates a {@link BlockInput}. @internal */
export function blockFields(name: string, block: BlockInput): BlockFields {
  if (block === null || typeof block !== "object") throw new InvalidArgumentError(name, "must be a block object");
  const optional = (key: string, v: unknown): string | undefined =>
    v === undefined ? undefined : field(`${name}.${key}`, v);
  const reward = block.reward ?? null;
  if (reward !== null && (typeof reward !== "bigint" || reward < 0n)) {
    throw new InvalidArgumentError(`${name}.reward`, "must be a non-negative bigint of wei, or null");
  }
  const h = height(`${name}.height`, block.height);
  return {
    height: h,
    roundHeight: block.roundHeight === undefined ? h : height(`${name}.roundHeight`, block.roundHeight),
    uncleHeight: int64(`${name}.uncleHeight`, block.uncleHeight ?? 0, 0n),
    orphan: checkedBool(`${name}.orphan`, block.orphan ?? false),
    nonce: field(`${name}.nonce`, block.nonce),
    powHash: optional("powHash", block.powHash),
    mixDigest: optional("mixDigest", block.mixDigest),
    hash: field(`${name}.hash`, block.hash ?? "", { allowEmpty: true }),
    timestamp: int64(`${name}.timestamp`, block.timestamp),
    difficulty: int64(`${name}.difficulty`, block.difficulty),
    totalShares: int64(`${name}.totalShares`, block.totalShares),
    reward,
    // Members are removed verbatim, so only their type is checked.
    candidateKey: member(`${name}.candidateKey`, block.candidateKey),
    immatureKey: member(`${name}.immatureKey`, block.immatureKey),
  };
}

function checkedBool(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new InvalidArgumentError(name, `must be a boolean, got ${typeof value}`);
  return value;
}

function member(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new InvalidArgumentError(name, "must be a non-empty string");
  return value;
}

const WORKER_ID = /^[0-9a-zA-Z_-]{1,8}$/;

/**
 * The proxy's rule for worker ids: an id that is not 1–8 of `[0-9a-zA-Z_-]` becomes `"0"`
 * (the original's `workerPattern`). The writer itself only rejects ids that would corrupt
 * members; a host that wants the proxy's behaviour passes ids through this first.
 */
export function normalizeWorkerId(id: string): string {
  return WORKER_ID.test(id) ? id : "0";
}
