import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { ClusterSlotError } from "../errors/cluster-slot-error.js";
import { CommandFailedError } from "../errors/command-failed-error.js";
import type { PoolStatsError } from "../errors/pool-stats-error.js";
import { ReadOnlyReplicaError } from "../errors/read-only-replica-error.js";
import type { RedisCommand } from "./client.js";

/**
 * What a failure of Redis (or of the connection to it) means for the caller:
 *
 * - `data`: the key holds another type (`WRONGTYPE`): a data problem; reads count it as
 *   malformed and read the key as empty;
 * - `replica`: a write met a read-only replica (`READONLY`);
 * - `slot`: Cluster keys in several hash slots (`CROSSSLOT`, or ioredis's own check);
 * - `redirect`: the key's slot is served by another Cluster node (`MOVED`, `ASK`);
 * - `unavailable`: no answer (connection down or not ready, timeout), or Redis cannot or
 *   will not serve now (`LOADING`, `BUSY`, `MASTERDOWN`, `CLUSTERDOWN`, `TRYAGAIN`,
 *   `NOAUTH`, `WRONGPASS`, `NOPERM`, `MISCONF`, `NOREPLICAS`);
 * - `refused`: Redis refused this command for another reason (`ERR …`, `OOM`, …).
 */
export type FailureKind = "data" | "replica" | "slot" | "redirect" | "unavailable" | "refused";

/** A classified failure. */
export interface RedisFailure {
  readonly kind: FailureKind;
  /** The code Redis put first in its error reply (`"LOADING"`, `"ERR"`…); `undefined` when Redis did not answer. */
  readonly redisCode: string | undefined;
  /** The message that names the failure (for EXECABORT, the command error that aborted it). */
  readonly message: string;
}

const UNAVAILABLE_CODES = new Set([
  "LOADING",
  "BUSY",
  "MASTERDOWN",
  "CLUSTERDOWN",
  "TRYAGAIN",
  "NOAUTH",
  "WRONGPASS",
  "NOPERM",
  "MISCONF",
  "NOREPLICAS",
]);

// ioredis rejects these before sending anything (Pipeline.exec on a Cluster).
const IOREDIS_SLOT_CHECKS = [
  "All keys in the pipeline should belong to the same slots allocation group",
  "All the keys in a pipeline command should belong to the same slot",
];

// Redis error replies start with an upper-case code word; ioredis's own errors never do.
const REDIS_CODE = /^([A-Z][A-Z0-9_]+)(?: |$)/;

/** Classifies anything a Redis call rejected with: the one place that reads Redis error texts. */
export function classifyFailure(error: unknown): RedisFailure {
  const message = failureMessage(error);
  if (IOREDIS_SLOT_CHECKS.some((text) => message.startsWith(text))) {
    return { kind: "slot", redisCode: undefined, message };
  }
  const redisCode = REDIS_CODE.exec(message)?.[1];
  return { kind: kindOf(redisCode), redisCode, message };
}

function kindOf(code: string | undefined): FailureKind {
  if (code === undefined || code === "EXECABORT") return "unavailable";
  if (code === "WRONGTYPE") return "data";
  if (code === "READONLY") return "replica";
  if (code === "CROSSSLOT") return "slot";
  if (code === "MOVED" || code === "ASK") return "redirect";
  return UNAVAILABLE_CODES.has(code) ? "unavailable" : "refused";
}

/** `true` for Redis's WRONGTYPE: the key holds data of another type. */
export function isWrongType(error: unknown): boolean {
  return classifyFailure(error).kind === "data";
}

/** `true` for a Cluster redirection (`MOVED`/`ASK`): the key's slot is served elsewhere. */
export function isRedirection(error: unknown): boolean {
  return classifyFailure(error).kind === "redirect";
}

/** What a caller knows about the command that failed, for {@link failureError}. */
export interface FailureContext {
  /** The command Redis refused, when one did. */
  readonly command?: RedisCommand | undefined;
  /** Whether other commands of the same transaction ran (MULTI has no rollback). */
  readonly partial?: boolean;
}

/**
 * The library's error for a failure: {@link ReadOnlyReplicaError} (`replica`),
 * {@link ClusterSlotError} (`slot`), {@link CommandFailedError} (`refused`, and `data` when
 * the caller did not handle it), else {@link BackendUnavailableError}. `redisCode` is kept.
 */
export function failureError(operation: string, error: unknown, context: FailureContext = {}): PoolStatsError {
  const failure = classifyFailure(error);
  switch (failure.kind) {
    case "replica":
      return new ReadOnlyReplicaError(operation, error);
    case "slot":
      return new ClusterSlotError(
        operation,
        `keys in different hash slots (${failure.message}); a hash-tagged prefix such as "{eth}" keeps a pool's keys in one`,
        { cause: error, redisCode: failure.redisCode },
      );
    case "data":
    case "refused":
      return new CommandFailedError(
        operation,
        {
          ...(context.command === undefined ? {} : { command: context.command.map(String) }),
          partial: context.partial ?? false,
          reason: failure.message,
        },
        { cause: error, redisCode: failure.redisCode },
      );
    default:
      return new BackendUnavailableError(operation, error, { redisCode: failure.redisCode });
  }
}

/** The message that names the failure; EXECABORT's cause is in ioredis's `previousErrors`. */
function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  if (error.message.startsWith("EXECABORT") && Array.isArray(previous)) {
    const first = previous.find((e): e is Error => e instanceof Error);
    if (first !== undefined) return first.message;
  }
  return error.message;
}
