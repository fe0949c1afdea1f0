import type { CommandReply, RedisClient, RedisCommand } from "../redis/client.js";
import { sendBatch, sendOne } from "../redis/exec.js";
import { failureError } from "../redis/failure.js";

/**
 * Sending the writers' commands with the original's error rules, on the one Redis layer:
 * every command of a MULTI runs even when one fails (Redis has no rollback), and the first
 * failure is the one reported: a `CommandFailedError` when Redis refused it (`partial` when
 * others ran), a `ReadOnlyReplicaError` or `ClusterSlotError` when it went to the wrong
 * place, a `BackendUnavailableError` when Redis did not answer. A writer's MULTI is never
 * split by hash slot: on a Cluster its keys must share one (a hash-tagged prefix).
 * @packageDocumentation
 */

/** One command outside any transaction. */
export function sendCommand(client: RedisClient, command: RedisCommand, operation: string): Promise<unknown> {
  return sendOne(client, command, operation);
}

/** Commands in one pipeline (no transaction); each reply or error in order. */
export function sendPipeline(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<CommandReply[]> {
  return sendBatch(client, commands, { operation, transaction: false, bySlot: false });
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
  throw failureError(operation, reply.error, { command: commands[index], partial });
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
  const replies = await sendBatch(client, commands, { operation, transaction: true, bySlot: false });
  throwFirstFailure(operation, commands, replies, commands.length > 1);
  return replies.map((reply) => (reply.ok ? reply.value : undefined));
}
