import { createHash } from "node:crypto";
import { isPoolStatsError } from "../errors/pool-stats-error.js";
import type { CommandReply, RedisClient, RedisCommand } from "./client.js";
import { type BatchOptions, sendBatch, sendOne } from "./exec.js";
import { classifyFailure } from "./failure.js";

/** One call of a script: its keys and arguments. */
export interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/**
 * A Lua script the library runs, sent by its SHA1 (`EVALSHA`), so a batch of thousands
 * of calls does not carry its text thousands of times. Where the server does not know it
 * yet (a new server, a restart, a failover, another Cluster node) the calls that got
 * `NOSCRIPT` are sent once more as `EVAL`, which also caches it there.
 */
export class RedisScript {
  /** The SHA1 of the text, as `EVALSHA` names it. */
  readonly sha: string;

  /**
   * @param name - what the script does, for errors
   * @param text - the Lua source
   */
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    this.sha = createHash("sha1").update(text).digest("hex");
  }

  /** The `EVALSHA` command of one call. */
  command(call: ScriptCall): RedisCommand {
    return ["evalsha", this.sha, call.keys.length, ...call.keys, ...call.args];
  }

  /** The `EVAL` command of one call (text included). */
  evalCommand(call: ScriptCall): RedisCommand {
    return ["eval", this.text, call.keys.length, ...call.keys, ...call.args];
  }
}

/** `true` when Redis does not hold the script (`NOSCRIPT`): send it as `EVAL` instead. */
function isNoScript(error: unknown): boolean {
  if (isPoolStatsError(error)) return error.redisCode === "NOSCRIPT";
  return classifyFailure(error).redisCode === "NOSCRIPT";
}

/**
 * Runs one call of `script`.
 * @throws the error `failureError` makes of any failure but `NOSCRIPT`, which is retried as `EVAL`
 */
export async function sendScript(
  client: RedisClient,
  script: RedisScript,
  call: ScriptCall,
  operation: string,
): Promise<unknown> {
  try {
    return await sendOne(client, script.command(call), operation);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return sendOne(client, script.evalCommand(call), operation);
  }
}

/**
 * Runs `calls` of `script` as one batch (see {@link sendBatch}) and returns each call's
 * reply or error, in order; the calls answered `NOSCRIPT` are sent again as `EVAL` in a
 * second batch.
 */
export async function sendScriptBatch(
  client: RedisClient,
  script: RedisScript,
  calls: readonly ScriptCall[],
  options: BatchOptions,
): Promise<CommandReply[]> {
  const replies = await sendBatch(
    client,
    calls.map((call) => script.command(call)),
    options,
  );
  const missing = replies.flatMap((reply, i) => (!reply.ok && isNoScript(reply.error) ? [i] : []));
  if (missing.length === 0) return replies;
  const retried = await sendBatch(
    client,
    missing.map((i) => script.evalCommand(calls[i] as ScriptCall)),
    options,
  );
  missing.forEach((index, j) => {
    replies[index] = retried[j] as CommandReply;
  });
  return replies;
}
