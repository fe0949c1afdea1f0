import type { BlockInput, PowParams } from "../../src/entries/writer.js";
import type { RedisPoolWriter } from "../../src/writer/redis-pool-writer.js";

/**
 * Replays one recorded call of the original's storage writers (golden `calls` or
 * `seedLog`, read with loadGoldenExact) on our writer, translating Go names and values.
 * Resolves to what the Go function returned, `null` for functions returning only an error.
 */
export async function callWriter(writer: RedisPoolWriter, fn: string, args: Record<string, unknown>): Promise<unknown> {
  const a = args;
  const login = a.login as string;
  const expire = a.window as string; // Go's Duration.String(), e.g. "3h0m0s" or "0s"
  switch (fn) {
    case "WriteShare":
      return writer.writeShare(login, a.id as string, a.params as PowParams, big(a.diff), num(a.height), expire);
    case "WriteBlock":
      return writer.writeBlock(
        login,
        a.id as string,
        a.params as PowParams,
        big(a.diff),
        big(a.roundDiff),
        num(a.height),
        expire,
      );
    case "WriteNodeState":
      return nil(writer.writeNodeState(a.id as string, big(a.height), big(a.diff)));
    case "WriteImmatureBlock":
      return nil(writer.writeImmatureBlock(goBlock(a.block), rewards(a.roundRewards)));
    case "WritePendingOrphans":
      return nil(writer.writePendingOrphans((a.blocks as unknown[]).map(goBlock)));
    case "WriteMaturedBlock":
      return nil(writer.writeMaturedBlock(goBlock(a.block), rewards(a.roundRewards)));
    case "WriteOrphan":
      return nil(writer.writeOrphan(goBlock(a.block)));
    case "LockPayouts":
      return nil(writer.lockPayouts(login, big(a.amount)));
    case "UnlockPayouts":
      return nil(writer.unlockPayouts());
    case "IsPayoutsLocked":
      return writer.isPayoutsLocked();
    case "UpdateBalance":
      return nil(writer.updateBalance(login, big(a.amount)));
    case "RollbackBalance":
      return nil(writer.rollbackBalance(login, big(a.amount)));
    case "WritePayment":
      return nil(writer.writePayment(login, a.txHash as string, big(a.amount)));
    default:
      throw new Error(`not a writer: ${fn}`);
  }
}

/** Every writer of the original's storage that the golden recordings call. */
export const WRITERS = new Set([
  "WriteShare",
  "WriteBlock",
  "WriteNodeState",
  "WriteImmatureBlock",
  "WritePendingOrphans",
  "WriteMaturedBlock",
  "WriteOrphan",
  "LockPayouts",
  "UnlockPayouts",
  "IsPayoutsLocked",
  "UpdateBalance",
  "RollbackBalance",
  "WritePayment",
]);

async function nil(done: Promise<void>): Promise<null> {
  await done;
  return null;
}

function big(value: unknown): bigint {
  return BigInt(value as bigint | number | string);
}

function num(value: unknown): number {
  return Number(value as number);
}

function rewards(value: unknown): Map<string, bigint> {
  return new Map(Object.entries(value as Record<string, number | bigint>).map(([k, v]) => [k, BigInt(v)]));
}

/** A Go `BlockData` as JSON-encoded by the recorder → our BlockInput (empty strings = unset). */
function goBlock(value: unknown): BlockInput {
  const b = value as Record<string, unknown>;
  const text = (key: string): string | undefined => (b[key] === "" ? undefined : (b[key] as string));
  const powHash = text("PowHash");
  const mixDigest = text("MixDigest");
  const candidateKey = text("candidateKey");
  const immatureKey = text("immatureKey");
  return {
    height: num(b.Height),
    roundHeight: num(b.RoundHeight),
    uncleHeight: big(b.UncleHeight),
    orphan: b.Orphan as boolean,
    nonce: b.Nonce as string,
    hash: b.Hash as string,
    timestamp: big(b.Timestamp),
    difficulty: big(b.Difficulty),
    totalShares: big(b.TotalShares),
    reward: b.Reward === null ? null : big(b.Reward),
    ...(powHash === undefined ? {} : { powHash }),
    ...(mixDigest === undefined ? {} : { mixDigest }),
    ...(candidateKey === undefined ? {} : { candidateKey }),
    ...(immatureKey === undefined ? {} : { immatureKey }),
  };
}
