import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import type { CommandReply, RedisClient, RedisCommand } from "./redis-client.js";

/**
 * Runs `commands` in one MULTI/EXEC and returns each command's reply or error, in order.
 *
 * Like the original's client, a failing command does not hide the others' replies: the
 * transform decides which errors are data problems (WRONGTYPE) and which are not.
 *
 * @throws {@link BackendUnavailableError} when the transaction itself fails (connection
 *   lost, timeout, EXECABORT)
 */
export async function runMulti(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<CommandReply[]> {
  return collect(operation, commands.length, () => client.multi(commands as unknown as string[][]).exec());
}

/**
 * Runs `commands` in one pipeline (no transaction). Same reply handling as {@link runMulti}.
 */
export async function runPipeline(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<CommandReply[]> {
  if (commands.length === 0) return [];
  return collect(operation, commands.length, () => client.pipeline(commands as unknown as string[][]).exec());
}

/** Runs one command and returns its reply. @throws {@link BackendUnavailableError} on any failure */
export async function runCommand(client: RedisClient, command: RedisCommand, operation: string): Promise<unknown> {
  const [name, ...args] = command;
  try {
    return await client.call(name, ...args);
  } catch (error) {
    throw new BackendUnavailableError(operation, error);
  }
}

async function collect(
  operation: string,
  expected: number,
  exec: () => Promise<[Error | null, unknown][] | null>,
): Promise<CommandReply[]> {
  let raw: [Error | null, unknown][] | null;
  try {
    raw = await exec();
  } catch (error) {
    throw new BackendUnavailableError(operation, error);
  }
  if (raw === null || raw.length !== expected) {
    throw new BackendUnavailableError(
      operation,
      new Error(`expected ${expected} replies, got ${raw === null ? "none" : raw.length}`),
    );
  }
  return raw.map(([error, value]) => (error === null ? { ok: true, value } : { ok: false, error }));
}

/** `true` for Redis's WRONGTYPE error: the key holds data of another type, a data problem. */
export function isWrongType(error: Error): boolean {
  return error.message.startsWith("WRONGTYPE");
}
