import type { MalformedReason, MalformedSink } from "../../src/model/malformed.js";

/** A converter sink that records every skip as `[member, reason]`, in order. */
export function recordingSink(): { sink: MalformedSink; skipped: [string, MalformedReason][] } {
  const skipped: [string, MalformedReason][] = [];
  return { sink: (member, reason) => skipped.push([member, reason]), skipped };
}

/** A flat WITHSCORES reply (`member, score, …`) from `[score, member]` pairs, as a ZSET table reads. */
export function zset(...rows: readonly (readonly [score: number | string, member: string])[]): string[] {
  return rows.flatMap(([score, member]) => [member, String(score)]);
}
