import { type Cluster, Command } from "ioredis";
import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { ClusterSlotError } from "../errors/cluster-slot-error.js";
import type { PoolStatsError } from "../errors/pool-stats-error.js";
import { ReadOnlyReplicaError } from "../errors/read-only-replica-error.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { keySlot } from "./key-slot.js";

/**
 * Runs `commands` and returns each command's reply or error, in order.
 *
 * `atomic` (the default) sends them in one MULTI/EXEC: an atomic snapshot. Otherwise
 * they go as one plain pipeline, which ioredis's `scaleReads` can route to a replica
 * (it never routes a MULTI there).
 *
 * On a Redis Cluster the commands are grouped by hash slot first. With a hash-tagged
 * prefix (`{eth}`) every key is in one slot and this is still ONE MULTI. Otherwise
 * (`eth:…` keys spread over slots) each slot's commands go as their own MULTI (or
 * pipeline), all slots concurrently, and the replies are put back in the commands'
 * order. Each slot's part is then atomic, the whole is NOT: a write landing between
 * two slots' transactions can be seen by one part and not by the other. Commands on
 * the same key always share a slot, so they stay atomic together.
 *
 * Like the original's client, a failing command does not hide the others' replies: the
 * transform decides which errors are data problems (WRONGTYPE) and which are not.
 *
 * @throws {@link BackendUnavailableError} when the transaction or pipeline itself fails
 *   (connection lost, timeout, EXECABORT); {@link ClusterSlotError} when one command
 *   has keys in several slots or the Cluster refuses a slot mix;
 *   {@link ReadOnlyReplicaError} when a write met a replica
 */
export async function runMulti(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
  atomic = true,
): Promise<CommandReply[]> {
  return runGrouped(client, commands, operation, atomic);
}

/**
 * Runs `commands` in one pipeline (no transaction); on a Cluster one pipeline per hash
 * slot, as {@link runMulti} does. Same reply handling as {@link runMulti}.
 */
export async function runPipeline(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
): Promise<CommandReply[]> {
  return runGrouped(client, commands, operation, false);
}

/**
 * Runs one command and returns its reply (a Cluster routes it by its key).
 * @throws the error {@link commandError} makes of any failure
 */
export async function runCommand(client: RedisClient, command: RedisCommand, operation: string): Promise<unknown> {
  const [name, ...args] = command;
  try {
    return await client.call(name, ...args);
  } catch (error) {
    throw commandError(operation, error);
  }
}

/** `true` for an ioredis `Cluster` client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster === true;
}

/**
 * The library's error for a failure that is not about the data: `READONLY` becomes
 * {@link ReadOnlyReplicaError}, `CROSSSLOT` (or ioredis's client-side slot checks)
 * {@link ClusterSlotError}, anything else {@link BackendUnavailableError}.
 */
export function commandError(operation: string, error: unknown): PoolStatsError {
  const message = describeFailure(error);
  if (message.startsWith("READONLY")) return new ReadOnlyReplicaError(operation, error);
  if (message.startsWith("CROSSSLOT") || IOREDIS_SLOT_CHECKS.some((text) => message.startsWith(text))) {
    return new ClusterSlotError(
      operation,
      `keys in different hash slots (${message}); a hash-tagged prefix such as "{eth}" keeps a pool's keys in one`,
      { cause: error },
    );
  }
  return new BackendUnavailableError(operation, error);
}

/** `true` for Redis's WRONGTYPE error: the key holds data of another type, a data problem. */
export function isWrongType(error: Error): boolean {
  return error.message.startsWith("WRONGTYPE");
}

/** `true` for a Cluster redirection (`MOVED`/`ASK`): the key's slot is served elsewhere. */
export function isRedirection(error: Error): boolean {
  return error.message.startsWith("MOVED ") || error.message.startsWith("ASK ");
}

// ioredis rejects these before sending anything (Pipeline.exec on a Cluster).
const IOREDIS_SLOT_CHECKS = [
  "All keys in the pipeline should belong to the same slots allocation group",
  "All the keys in a pipeline command should belong to the same slot",
];

/** The message that names the failure; EXECABORT's cause is in ioredis's `previousErrors`. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  if (error.message.startsWith("EXECABORT") && Array.isArray(previous)) {
    const first = previous.find((e): e is Error => e instanceof Error);
    if (first !== undefined) return first.message;
  }
  return error.message;
}

async function runGrouped(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
  atomic: boolean,
): Promise<CommandReply[]> {
  if (commands.length === 0) return [];
  const groups = isCluster(client) ? groupBySlot(client, commands, operation) : [];
  if (groups.length <= 1) return send(client, commands, operation, atomic);
  const replies = new Array<CommandReply>(commands.length);
  // Promise.all observes every group's promise, so a second failure is never unhandled.
  await Promise.all(
    groups.map(async (indexes) => {
      const part = await send(
        client,
        indexes.map((i) => commands[i] as RedisCommand),
        operation,
        atomic,
      );
      indexes.forEach((index, j) => {
        replies[index] = part[j] as CommandReply;
      });
    }),
  );
  return replies;
}

/**
 * Command indexes grouped by hash slot, each group in the commands' order. Keyless
 * commands join the first group (any node can answer them).
 */
function groupBySlot(client: Cluster, commands: readonly RedisCommand[], operation: string): number[][] {
  const keyPrefix = client.options.keyPrefix;
  const bySlot = new Map<number, number[]>();
  const keyless: number[] = [];
  commands.forEach((command, index) => {
    const slot = commandSlot(command, keyPrefix, operation);
    if (slot === undefined) keyless.push(index);
    else {
      const group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, [index]);
      else group.push(index);
    }
  });
  const groups = [...bySlot.values()];
  if (keyless.length === 0) return groups;
  const [first = [], ...rest] = groups;
  return [[...first, ...keyless].sort((a, b) => a - b), ...rest];
}

/** The one slot of a command's keys (ioredis's key specs find them), `undefined` if keyless. */
function commandSlot(command: RedisCommand, keyPrefix: string | undefined, operation: string): number | undefined {
  const [name, ...args] = command;
  const keys = new Command(name, args, keyPrefix === undefined ? {} : { keyPrefix }).getKeys();
  let slot: number | undefined;
  for (const key of keys) {
    const next = keySlot(key);
    if (slot !== undefined && next !== slot) {
      throw new ClusterSlotError(operation, `${name} has keys in several hash slots; one command cannot be split`);
    }
    slot = next;
  }
  return slot;
}

async function send(
  client: RedisClient,
  commands: readonly RedisCommand[],
  operation: string,
  atomic: boolean,
): Promise<CommandReply[]> {
  const queued = commands as unknown as string[][];
  let raw: [Error | null, unknown][] | null;
  try {
    raw = await (atomic ? client.multi(queued) : client.pipeline(queued)).exec();
  } catch (error) {
    throw commandError(operation, error);
  }
  if (raw === null || raw.length !== commands.length) {
    throw new BackendUnavailableError(
      operation,
      new Error(`expected ${commands.length} replies, got ${raw === null ? "none" : raw.length}`),
    );
  }
  return raw.map(([error, value]) => (error === null ? { ok: true, value } : { ok: false, error }));
}
