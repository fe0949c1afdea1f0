import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { CommandFailedError } from "../errors/command-failed-error.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { commandError } from "./exec.js";

/**
 * Sending the writers' commands, with the original's error rules: every command of a
 * MULTI runs even when one fails (Redis has no rollback), and the first failure is the
 * one reported. Redis refusing a command is a {@link CommandFailedError}; Redis not
 * answering is a {@link BackendUnavailableError}.
 * @packageDocumentation
 */

/** Error replies arrive as ioredis `ReplyError`s; anything else is the connection. */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

/**
 * The error for a failed command: `ReadOnlyReplicaError` when it met a replica,
 * `ClusterSlotError` when its keys span Cluster slots, {@link CommandFailedError} when
 * Redis refused it otherwise, {@link BackendUnavailableError} when it never got an answer.
 */
export function failure(operation: string, error: unknown, command: RedisCommand | undefined, partial: boolean): Error {
  // Classified like the reads' failures first: READONLY (a replica) and slot errors (a
  // Cluster with an untagged prefix, whose MULTIs span slots) are about where the write
  // went, not about the data, and get their own typed errors.
  const classified = commandError(operation, error);
  if (!(classified instanceof BackendUnavailableError) || !isReplyError(error)) return classified;
  return new CommandFailedError(
    operation,
    { ...(command === undefined ? {} : { command: command.map(String) }), partial, reason: error.message },
    { cause: error },
  );
}

/** One command outside any transaction. */
export async function sendCommand(client: RedisClient, command: RedisCommand, operation: string): Promise<unknown> {
  const [name, ...args] = command;
  try {
    return await client.call(name, ...args);
  } catch (error) {
    throw failure(operation, error, command, false);
  }
}

/** Commands in one pipeline (no transaction); each reply or error in order. */
export async function sendPipeline(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<CommandReply[]> {
  let raw: [Error | null, unknown][] | null;
  try {
    raw = await client.pipeline(commands as unknown as string[][]).exec();
  } catch (error) {
    throw failure(operation, error, undefined, false);
  }
  if (raw === null || raw.length !== commands.length) {
    throw new BackendUnavailableError(operation, new Error(`expected ${commands.length} pipeline replies`));
  }
  return raw.map(([error, value]) => (error === null ? { ok: true, value } : { ok: false, error }));
}

/** Throws for the first failed reply of `replies` (sent as `commands`). */
export function throwFirstFailure(
  operation: string,
  commands: readonly RedisCommand[],
  replies: readonly CommandReply[],
  partial: boolean,
): void {
  const index = replies.findIndex((reply) => !reply.ok);
  if (index < 0) return;
  const reply = replies[index] as { ok: false; error: Error };
  throw failure(operation, reply.error, commands[index], partial);
}

/**
 * Commands in one MULTI/EXEC. Resolves to their replies when all succeeded.
 *
 * @throws {@link CommandFailedError} for the first refused command (`partial`: the others
 *   ran), or when a WATCHed key changed and Redis discarded the transaction
 * @throws {@link BackendUnavailableError} when Redis did not answer
 */
export async function sendTransaction(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<unknown[]> {
  if (commands.length === 0) return [];
  let raw: [Error | null, unknown][] | null;
  try {
    raw = await client.multi(commands as unknown as string[][]).exec();
  } catch (error) {
    // EXECABORT (a command refused while queueing): nothing ran.
    throw failure(operation, error, undefined, false);
  }
  if (raw === null) {
    throw new CommandFailedError(operation, {
      partial: false,
      reason: "transaction aborted: a WATCHed key changed (nothing was written)",
    });
  }
  const replies: CommandReply[] = raw.map(([error, value]) =>
    error === null ? { ok: true, value } : { ok: false, error },
  );
  throwFirstFailure(operation, commands, replies, commands.length > 1);
  return replies.map((reply) => (reply.ok ? reply.value : undefined));
}
