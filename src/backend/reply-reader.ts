import type { MalformedTally } from "../convert/malformed.js";
import { type HashEntries, toHashEntries, toZsetWithScores, type ZsetWithScores } from "../convert/reply-shapes.js";
import type { CommandReply } from "../redis/client.js";
import { failureError, isWrongType } from "../redis/failure.js";

/**
 * Reads typed values out of a read's replies, each taken by its plan's name. A key of
 * the wrong Redis type is counted as malformed and read as empty; any other command
 * error fails the read (see `failureError`).
 * @internal
 */
export class ReplyReader {
  // A key of the wrong type fails every command on it; count it once.
  private readonly wrongTypeKeys = new Set<string>();

  constructor(
    private readonly tally: MalformedTally,
    private readonly operation: string,
  ) {}

  /** A WITHSCORES reply of `key`. */
  zset(reply: CommandReply | undefined, key: string): ZsetWithScores {
    const value = this.value(reply, key);
    if (value === undefined) return [];
    const zset = toZsetWithScores(value);
    if (zset !== undefined) return zset;
    this.wrongType(key);
    return [];
  }

  /** A HGETALL reply of `key`. */
  hash(reply: CommandReply | undefined, key: string): HashEntries {
    const value = this.value(reply, key);
    if (value === undefined) return [];
    const entries = toHashEntries(value);
    if (entries !== undefined) return entries;
    this.wrongType(key);
    return [];
  }

  /** An integer reply (ZCARD, EXISTS, ZREMRANGEBYSCORE) of `key`; 0 for a key of another type. */
  count(reply: CommandReply | undefined, key: string): number {
    const value = this.value(reply, key);
    if (value === undefined) return 0;
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n === "number" && Number.isSafeInteger(n)) return n;
    this.wrongType(key);
    return 0;
  }

  /** A bulk-string reply (HGET): `null` when missing. */
  text(reply: CommandReply | undefined, key: string): string | null {
    const value = this.value(reply, key);
    if (value === undefined || value === null) return null;
    return typeof value === "string" ? value : String(value);
  }

  /** The reply value, `undefined` after counting a WRONGTYPE; throws for other errors. */
  private value(reply: CommandReply | undefined, key: string): unknown {
    if (reply === undefined) throw failureError(this.operation, new Error(`missing reply for ${key}`));
    if (reply.ok) return reply.value;
    if (isWrongType(reply.error)) {
      this.wrongType(key);
      return undefined;
    }
    throw failureError(this.operation, reply.error);
  }

  private wrongType(key: string): void {
    if (this.wrongTypeKeys.has(key)) return;
    this.wrongTypeKeys.add(key);
    this.tally.add(key, "", "wrong-type");
  }
}
