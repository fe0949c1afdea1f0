import { type Cluster, Command } from "ioredis";
import { ClusterSlotError } from "../errors/cluster-slot-error.js";
import { CommandFailedError } from "../errors/command-failed-error.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { classifyFailure, failureError } from "./failure.js";
import { keySlot } from "./key-slot.js";
import { type CommandPlan, type PlanReplies, planCommands, planReplies } from "./plan.js";

/**
 * The one way the library talks to Redis: one command, or a batch of them as a MULTI
 * (an atomic snapshot) or a plain pipeline. Every failure becomes a library error
 * through `failureError`; a failing command inside a batch does not hide the others'
 * replies (the caller decides which errors are data problems).
 * @packageDocumentation
 */

/** How a batch is sent. */
export interface BatchOptions {
  /** The library call, for errors. */
  readonly operation: string;
  /**
   * One MULTI/EXEC (atomic), or a plain pipeline, which ioredis's `scaleReads` can route
   * to a replica (it never routes a MULTI there).
   */
  readonly transaction: boolean;
  /**
   * On a Cluster, group the commands by hash slot and send one batch per slot, all at
   * once, replies put back in order (each slot's part atomic, the whole not). Reads want
   * this for untagged prefixes; writes, whose MULTI must stay whole, do not: theirs then
   * fail with `ClusterSlotError`. With a hash-tagged prefix every key shares a slot and
   * the batch stays one either way.
   * @defaultValue true
   */
  readonly bySlot?: boolean;
}

/**
 * Sends one command (a Cluster routes it by its key and follows redirections).
 * @throws the error `failureError` makes of any failure, naming the command
 */
export async function sendOne(client: RedisClient, command: RedisCommand, operation: string): Promise<unknown> {
  const [name, ...args] = command;
  try {
    return await client.call(name, ...args);
  } catch (error) {
    throw failureError(operation, error, { command });
  }
}

/**
 * Sends one command whose data errors the caller handles: a `WRONGTYPE` (the key holds
 * another type) comes back as `{ ok: false }`; every other failure throws, as {@link sendOne}.
 */
export async function sendChecked(
  client: RedisClient,
  command: RedisCommand,
  operation: string,
): Promise<CommandReply> {
  const [name, ...args] = command;
  try {
    return { ok: true, value: await client.call(name, ...args) };
  } catch (error) {
    if (error instanceof Error && classifyFailure(error).kind === "data") return { ok: false, error };
    throw failureError(operation, error, { command });
  }
}

/**
 * Sends `commands` as one batch and returns each command's reply or error, in order.
 *
 * @throws the error `failureError` makes when the batch itself fails (connection lost,
 *   timeout, EXECABORT); {@link ClusterSlotError} when one command has keys in several
 *   slots; {@link CommandFailedError} when a WATCHed key aborted the transaction
 */
export async function sendBatch(
  client: RedisClient,
  commands: readonly RedisCommand[],
  options: BatchOptions,
): Promise<CommandReply[]> {
  if (commands.length === 0) return [];
  const groups = isCluster(client) && options.bySlot !== false ? groupBySlot(client, commands, options.operation) : [];
  if (groups.length <= 1) return execBatch(client, commands, options);
  const replies = new Array<CommandReply>(commands.length);
  // Promise.all observes every group's promise, so a second failure is never unhandled.
  await Promise.all(
    groups.map(async (indexes) => {
      const part = await execBatch(
        client,
        indexes.map((i) => commands[i] as RedisCommand),
        options,
      );
      indexes.forEach((index, j) => {
        replies[index] = part[j] as CommandReply;
      });
    }),
  );
  return replies;
}

/** Sends a named plan as one batch; the replies come back under its names. */
export async function sendPlan<P extends CommandPlan>(
  client: RedisClient,
  plan: P,
  options: BatchOptions,
): Promise<PlanReplies<P>> {
  return planReplies(plan, await sendBatch(client, planCommands(plan), options));
}

/** `true` for an ioredis `Cluster` client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster === true;
}

async function execBatch(
  client: RedisClient,
  commands: readonly RedisCommand[],
  options: BatchOptions,
): Promise<CommandReply[]> {
  const queued = commands as unknown as string[][];
  let raw: [Error | null, unknown][] | null;
  try {
    raw = await (options.transaction ? client.multi(queued) : client.pipeline(queued)).exec();
  } catch (error) {
    throw failureError(options.operation, error);
  }
  if (raw === null) {
    // Only a WATCH (the writers' payout lock) makes EXEC answer nil.
    throw new CommandFailedError(options.operation, {
      partial: false,
      reason: "transaction aborted: a WATCHed key changed (nothing was written)",
    });
  }
  if (raw.length !== commands.length) {
    throw failureError(options.operation, new Error(`expected ${commands.length} replies, got ${raw.length}`));
  }
  return raw.map(([error, value]) => (error === null ? { ok: true, value } : { ok: false, error }));
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
