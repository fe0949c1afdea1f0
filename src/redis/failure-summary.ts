import { isPoolStatsError } from "../errors/pool-stats-error.js";
import { classifyFailure } from "./failure.js";

/** A failure as a log line or a metric label carries it. */
export interface FailureSummary {
  /**
   * What to group and count it by: Redis's own code (`WRONGPASS`, `NOAUTH`, `LOADING`,
   * `READONLY`, `MOVED`…), else the socket's (`ECONNREFUSED`, `ETIMEDOUT`, a TLS code),
   * else `NO_ANSWER` (the client gave up: a timeout, or not connected).
   */
  readonly code: string;
  /** Redis's code, when Redis answered with an error. */
  readonly redisCode: string | undefined;
  /** The message, one line. */
  readonly message: string;
}

/**
 * What a failure was, for a log line or a metric: the library's errors keep Redis's code
 * in `redisCode` (their own `code` says only "Redis failed", so it is not used); raw
 * ioredis errors are classified by the one classifier; a socket error keeps its errno
 * code, found down the `cause` chain.
 */
export function summarizeFailure(error: unknown): FailureSummary {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
  let redisCode: string | undefined;
  let socketCode: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (isPoolStatsError(current)) {
      redisCode ??= current.redisCode;
    } else if (current instanceof Error) {
      redisCode ??= classifyFailure(current).redisCode;
      const code = (current as NodeJS.ErrnoException).code;
      if (typeof code === "string") socketCode ??= code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { code: redisCode ?? socketCode ?? "NO_ANSWER", redisCode, message };
}
