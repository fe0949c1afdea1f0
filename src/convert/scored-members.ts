import { parseScore } from "../go/score.js";
import type { MalformedReason, MalformedSink } from "../model/malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";

/**
 * The loop every ZSET converter of the original shares: each member split on `:`, its
 * score truncated to an integer, rows kept in reply order. A member with an unusable
 * score or fewer than `minFields` fields (where the original would index past the end
 * and panic) is reported and skipped; `parse` turns the rest into a row, or names the
 * reason to skip it.
 * @internal
 */
export function convertScoredMembers<T extends object>(
  reply: ZsetWithScores,
  minFields: number,
  onMalformed: MalformedSink,
  parse: (parts: readonly string[], score: number) => T | MalformedReason,
): T[] {
  const rows: T[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const member = String(reply[i]);
    const score = parseScore(reply[i + 1] as string | number);
    if (score === undefined) {
      onMalformed(member, "bad-score");
      continue;
    }
    const parts = member.split(":");
    if (parts.length < minFields) {
      onMalformed(member, "too-few-fields");
      continue;
    }
    const row = parse(parts, score);
    if (typeof row === "string") onMalformed(member, row);
    else rows.push(row);
  }
  return rows;
}
