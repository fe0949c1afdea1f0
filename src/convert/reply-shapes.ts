/**
 * Normalizes the reply shapes an ioredis client may hand back, so converters see one form
 * whatever `protocol`/`replyMapping` the host configured.
 * @packageDocumentation
 */

/**
 * A `WITHSCORES` reply flattened to `member, score, member, score, …` in Redis order,
 * the shape RESP2 and ioredis's default "legacy" mapping return.
 */
export type ZsetWithScores = readonly (string | number)[];

/** A HGETALL reply as field → value pairs, in Redis order. */
export type HashEntries = readonly (readonly [string, string])[];

/**
 * Flattens a `WITHSCORES` reply: accepts the flat form and the RESP3 `[member, score][]` form.
 * @returns `undefined` when the reply is not a WITHSCORES reply at all
 */
export function toZsetWithScores(reply: unknown): ZsetWithScores | undefined {
  if (!Array.isArray(reply)) return undefined;
  if (reply.length === 0 || !Array.isArray(reply[0])) {
    // Checking every item would cost a pass over millions of them: the first pair tells.
    const [member, score] = reply as unknown[];
    const flat = reply.length % 2 === 0 && (reply.length === 0 || (isText(member) && isText(score)));
    return flat ? (reply as (string | number)[]) : undefined;
  }
  const flat: (string | number)[] = [];
  for (const pair of reply) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    flat.push(String(pair[0]), pair[1] as string | number);
  }
  return flat;
}

/**
 * Turns a HGETALL reply (an object, a Map, or a flat `[field, value, …]` array) into entries.
 * @returns `undefined` when the reply is not a hash reply
 */
export function toHashEntries(reply: unknown): HashEntries | undefined {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return [...reply].map(([k, v]) => [String(k), String(v)] as const);
  if (Array.isArray(reply)) {
    if (reply.length % 2 !== 0) return undefined;
    const entries: [string, string][] = [];
    for (let i = 0; i < reply.length; i += 2) entries.push([String(reply[i]), String(reply[i + 1])]);
    return entries;
  }
  if (typeof reply === "object") {
    return Object.entries(reply as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const);
  }
  return undefined;
}

function isText(value: unknown): value is string | number {
  return typeof value === "string" || typeof value === "number";
}
