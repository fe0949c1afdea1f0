import { parseGoBool } from "../go/bool.js";
import { parseGoInt } from "../go/int.js";
import type { MalformedSink } from "../model/malformed.js";
import type { BlockRow } from "../model/rows.js";
import { ignoreMalformed } from "./malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { convertScoredMembers } from "./scored-members.js";

const CANDIDATE_FIELDS = 6;
const BLOCK_FIELDS = 8;

/**
 * Converts a `P:blocks:candidates` WITHSCORES reply
 * (`nonce:powHash:mixDigest:timestamp:roundDiff:totalShares`, scored by height), in reply order.
 * The original's `convertCandidateResults`.
 */
export function convertCandidates(reply: ZsetWithScores, onMalformed: MalformedSink = ignoreMalformed): BlockRow[] {
  return convertScoredMembers(reply, CANDIDATE_FIELDS, onMalformed, (parts, height) => {
    const timestamp = parseGoInt(parts[3] as string);
    const difficulty = parseGoInt(parts[4] as string);
    const shares = parseGoInt(parts[5] as string);
    if (timestamp === undefined || difficulty === undefined || shares === undefined) return "not-an-integer";
    return {
      height,
      timestamp,
      difficulty,
      shares,
      uncle: false,
      uncleHeight: 0n,
      orphan: false,
      hash: "",
      reward: "",
      nonce: parts[0] as string,
    };
  });
}

/**
 * Converts a `P:blocks:immature` or `P:blocks:matured` WITHSCORES reply
 * (`uncleHeight:orphan:nonce:hash:timestamp:difficulty:totalShares:reward`), in reply order.
 * The original's `convertBlockResults`.
 */
export function convertBlocks(reply: ZsetWithScores, onMalformed: MalformedSink = ignoreMalformed): BlockRow[] {
  return convertScoredMembers(reply, BLOCK_FIELDS, onMalformed, (parts, height) => {
    const uncleHeight = parseGoInt(parts[0] as string);
    const timestamp = parseGoInt(parts[4] as string);
    const difficulty = parseGoInt(parts[5] as string);
    const shares = parseGoInt(parts[6] as string);
    if (uncleHeight === undefined || timestamp === undefined || difficulty === undefined || shares === undefined) {
      return "not-an-integer";
    }
    const orphan = parseGoBool(parts[1] as string);
    if (orphan === undefined) return "not-a-bool";
    return {
      height,
      timestamp,
      difficulty,
      shares,
      uncle: uncleHeight > 0n,
      uncleHeight,
      orphan,
      hash: parts[3] as string,
      reward: parts[7] as string,
      nonce: parts[2] as string,
    };
  });
}
