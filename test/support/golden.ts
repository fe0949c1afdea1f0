import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Cluster, Redis } from "ioredis";

/** The recorded runs of the original in ../shared/golden (see its README). */
export interface GoldenScenario {
  readonly name: string;
  readonly nowMs: number;
  readonly prefix: string;
  readonly commands: readonly (readonly string[])[];
  readonly calls: readonly GoldenCall[];
  readonly httpConfig: Record<string, unknown>;
  readonly httpOrder: readonly string[];
  readonly http: Record<string, GoldenHttp>;
  readonly seedLog?: readonly GoldenSeedEntry[];
}

export interface GoldenCall {
  readonly fn: string;
  readonly args: Record<string, unknown>;
  readonly note?: string;
  readonly result?: unknown;
  readonly resultText?: string;
  readonly error?: string | null;
  readonly panic?: string;
  readonly orderNormalized?: boolean;
  readonly stateDelta?: readonly (readonly string[])[];
}

export interface GoldenHttp {
  readonly path: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly bodyBytes: number;
  readonly bodySha256?: string;
  readonly bodyText?: string;
  readonly orderNormalized?: boolean;
}

/** One step of `seedLog`: a writer call of the original at `nowMs`, or a raw command. */
export interface GoldenSeedEntry {
  readonly nowMs?: number | null;
  readonly fn?: string;
  readonly args?: Record<string, unknown>;
  readonly return?: unknown;
  readonly error?: string | null;
  /** A raw command (argv, key at argv[1]) and its reply. */
  readonly raw?: readonly string[];
  readonly rawReply?: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
/** ../shared/golden, beside the repository. */
export const GOLDEN_DIR = join(here, "..", "..", "..", "shared", "golden");

export function loadGolden(name: "a_empty" | "b_small_pool"): GoldenScenario {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), "utf8")) as GoldenScenario;
}

/**
 * Like {@link loadGolden}, but integers beyond 2^53 (difficulties, `maxHeight`, …) come
 * back as exact `bigint`s instead of rounded `number`s.
 */
export function loadGoldenExact(name: "a_empty" | "b_small_pool"): GoldenScenario {
  return parseJsonExact(readFileSync(join(GOLDEN_DIR, `${name}.json`), "utf8")) as GoldenScenario;
}

const BIG_TAG = "\\u0000bigint:"; // the JSON escape of NUL, which no golden string holds

/**
 * `JSON.parse`, except that integer literals outside the safe range become `bigint`s.
 * The text is scanned once, outside strings only, so digits inside members are untouched.
 */
export function parseJsonExact(text: string): unknown {
  let out = "";
  let from = 0;
  const numberAt = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      // Skip the string, honouring backslash escapes.
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (ch !== "-" && (ch === undefined || ch < "0" || ch > "9")) continue;
    numberAt.lastIndex = i;
    const match = numberAt.exec(text);
    if (match === null) continue;
    const literal = match[0];
    if (match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(Number(literal))) {
      out += `${text.slice(from, i)}"${BIG_TAG}${literal}"`;
      from = i + literal.length;
    }
    i += literal.length - 1;
  }
  out += text.slice(from);
  const tag = JSON.parse(`"${BIG_TAG}"`) as string;
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === "string" && value.startsWith(tag) ? BigInt(value.slice(tag.length)) : value,
  );
}

/** Rewrites a key of the golden's `eth` prefix to `prefix`. */
export function rekey(key: string, from: string, to: string): string {
  return key.startsWith(`${from}:`) ? `${to}${key.slice(from.length)}` : key;
}

/**
 * Replays a scenario's state under `prefix` (the key is argv[1] of every command). On a
 * Cluster the keys of an untagged prefix span slots, which one pipeline cannot hold:
 * each command is routed by its key.
 */
export async function seedGolden(redis: Redis | Cluster, scenario: GoldenScenario, prefix: string): Promise<void> {
  if (scenario.commands.length === 0) return;
  if (redis.isCluster) {
    // Sent in one go: each node's connection keeps the order of the commands it gets.
    await Promise.all(
      scenario.commands.map(([name, key, ...rest]) =>
        redis.call(name as string, rekey(key as string, scenario.prefix, prefix), ...rest),
      ),
    );
    return;
  }
  const pipeline = redis.pipeline();
  for (const [name, key, ...rest] of scenario.commands) {
    pipeline.call(name as string, rekey(key as string, scenario.prefix, prefix), ...rest);
  }
  const replies = await pipeline.exec();
  for (const [error] of replies ?? []) if (error) throw error;
}

/**
 * Every key under `prefix` with its type and full content, keys with the prefix cut off,
 * so two prefixes' states compare with `toEqual`. On a Cluster every master is scanned.
 */
export async function dumpState(redis: Redis | Cluster, prefix: string): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const keys: string[] = [];
  for (const node of redis.isCluster ? (redis as Cluster).nodes("master") : [redis as Redis]) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(
        cursor,
        "MATCH",
        `${prefix.replace(/[*?[\]\\]/g, "\\$&")}:*`,
        "COUNT",
        1000,
      );
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
  }
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    const name = key.slice(prefix.length);
    if (type === "zset") state[name] = { type, value: await redis.zrange(key, "0", "-1", "WITHSCORES") };
    else if (type === "hash") state[name] = { type, value: await redis.hgetall(key) };
    else if (type === "set") state[name] = { type, value: (await redis.smembers(key)).sort() };
    else if (type === "string") state[name] = { type, value: await redis.get(key) };
    else state[name] = { type };
    const ttl = await redis.ttl(key);
    if (ttl >= 0) (state[name] as Record<string, unknown>).ttl = true;
  }
  return state;
}

/** Applies recorded commands (a `stateDelta`) under `prefix`. */
export async function applyCommands(
  redis: Redis | Cluster,
  commands: readonly (readonly string[])[],
  from: string,
  prefix: string,
): Promise<void> {
  for (const [name, key, ...rest] of commands) {
    await redis.call(name as string, rekey(key as string, from, prefix), ...rest);
  }
}
