import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { BlockFields } from "./writer-inputs.js";

/** One part of a joined member: what the original's `join` accepts. */
export type JoinPart = string | bigint | number | boolean | null;

/**
 * The original's `join` (reference §1.1): strings as is, integers in decimal, bools as
 * `1`/`0`, a nil big integer (`null`) as `0`, all joined with `:`.
 * @internal
 */
export function goJoin(...parts: JoinPart[]): string {
  return parts.map(renderPart).join(":");
}

function renderPart(part: JoinPart): string {
  if (part === null) return "0";
  if (typeof part === "boolean") return part ? "1" : "0";
  if (typeof part === "number" && !Number.isSafeInteger(part)) {
    // Only integers are joined by the writers; a fraction would be Go's rounding, not ours.
    throw new InvalidArgumentError("member part", `must be an integer, got ${part}`);
  }
  return String(part);
}

/**
 * The `P:blocks:candidates` member `writeBlock` writes:
 * `nonce:powHash:mixDigest:timestamp:roundDiff:totalShares`.
 */
export function formatCandidateMember(block: {
  readonly nonce: string;
  readonly powHash: string;
  readonly mixDigest: string;
  readonly timestamp: bigint | number;
  readonly difficulty: bigint | number;
  readonly totalShares: bigint | number;
}): string {
  return goJoin(block.nonce, block.powHash, block.mixDigest, block.timestamp, block.difficulty, block.totalShares);
}

/**
 * The 8-field `P:blocks:immature` / `P:blocks:matured` member (the original's
 * `BlockData.key()`): `uncleHeight:orphan:nonce:hash:timestamp:difficulty:totalShares:reward`,
 * with an empty hash written as `0x0` and a missing reward as `0`.
 */
export function formatBlockMember(block: {
  readonly uncleHeight?: bigint | number;
  readonly orphan?: boolean;
  readonly nonce: string;
  readonly hash?: string;
  readonly timestamp: bigint | number;
  readonly difficulty: bigint | number;
  readonly totalShares: bigint | number;
  readonly reward?: bigint | null;
}): string {
  const hash = block.hash === undefined || block.hash === "" ? "0x0" : block.hash;
  return goJoin(
    block.uncleHeight ?? 0,
    block.orphan ?? false,
    block.nonce,
    hash,
    block.timestamp,
    block.difficulty,
    block.totalShares,
    block.reward ?? null,
  );
}

/** The candidate member to remove: the given one, else rebuilt as `writeBlock` wrote it. @internal */
export function candidateKeyOf(name: string, block: BlockFields): string {
  if (block.candidateKey !== undefined) return block.candidateKey;
  if (block.powHash === undefined || block.mixDigest === undefined) {
    throw new InvalidArgumentError(
      `${name}.candidateKey`,
      "is required unless powHash and mixDigest are given to rebuild it",
    );
  }
  return formatCandidateMember({ ...block, powHash: block.powHash, mixDigest: block.mixDigest });
}
