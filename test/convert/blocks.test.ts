import { describe, expect, it } from "vitest";
import { convertBlocks, convertCandidates } from "../../src/convert/blocks.js";
import { toGoJson } from "../../src/go/json.js";
import { blockToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import { recordingSink, zset } from "../support/sink.js";

const HASH = `0x${"ab".repeat(32)}`;
const MIX = `0x${"cd".repeat(32)}`;

describe("convertBlocks (the original's convertBlockResults)", () => {
  it("reads the reference's block member vector (§2.12)", () => {
    const [row] = convertBlocks(
      zset([
        5000000,
        "4999998:0:0x1122334455667788:0xabc:1699990000:3000000000000000:2500000000000000:2625000000000000000",
      ]),
    );
    expect(row).toEqual({
      height: 5000000,
      timestamp: 1699990000n,
      difficulty: 3000000000000000n,
      shares: 2500000000000000n,
      uncle: true,
      uncleHeight: 4999998n,
      orphan: false,
      hash: "0xabc",
      reward: "2625000000000000000",
      nonce: "0x1122334455667788",
    });
    expect(toGoJson(blockToGo(row as NonNullable<typeof row>))).toBe(
      '{"height":5000000,"timestamp":1699990000,"difficulty":3000000000000000,"shares":2500000000000000,"uncle":true,"uncleHeight":4999998,"orphan":false,"hash":"0xabc","reward":"2625000000000000000"}',
    );
  });

  it.each([
    ["a normal block", "0:0:0x1:0xh:1:2:3:3000000000000000000", { uncle: false, uncleHeight: 0n, orphan: false }],
    ["an orphan", "0:1:0x1:0x0:1:2:3:0", { uncle: false, orphan: true, hash: "0x0", reward: "0" }],
    ["an orphaned uncle", "7:1:0x1:0xh:1:2:3:0", { uncle: true, uncleHeight: 7n, orphan: true }],
    ["a negative uncle height (not an uncle)", "-3:0:0x1:0xh:1:2:3:0", { uncle: false, uncleHeight: -3n }],
    ["orphan as Go's 'true'", "0:true:0x1:0xh:1:2:3:0", { orphan: true }],
    ["orphan as Go's 'F'", "0:F:0x1:0xh:1:2:3:0", { orphan: false }],
    [
      "leading + and zeros",
      "+007:0:0x1:0xh:+01:002:-0:0",
      { uncleHeight: 7n, timestamp: 1n, difficulty: 2n, shares: 0n },
    ],
    ["extra fields (ignored)", "0:0:0x1:0xh:1:2:3:4:extra:more", { reward: "4" }],
    ["a reward kept verbatim", "0:0:0x1:0xh:1:2:3:not-a-number", { reward: "not-a-number" }],
    ["an empty hash and reward", "0:0:0x1::1:2:3:", { hash: "", reward: "" }],
    [
      "values beyond int64 kept exact",
      "0:0:0x1:0xh:1:36893488147419103232:18446744073709551617:0",
      { difficulty: 2n ** 65n, shares: 2n ** 64n + 1n },
    ],
  ])("reads %s", (_name, member, expected) => {
    const { sink, skipped } = recordingSink();
    const rows = convertBlocks(zset([100, member]), sink);
    expect(skipped).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ height: 100, ...expected });
  });

  it("keeps reply order and truncates scores toward zero", () => {
    const rows = convertBlocks(
      zset([30.9, "0:0:0x3:0xh:1:2:3:0"], [20, "0:0:0x2:0xh:1:2:3:0"], [-1.5, "0:0:0x1:0xh:1:2:3:0"]),
    );
    expect(rows.map((r) => [r.nonce, r.height])).toEqual([
      ["0x3", 30],
      ["0x2", 20],
      ["0x1", -1],
    ]);
  });

  it.each<[string, string | number, string, MalformedReason]>([
    ["7 fields", 1, "0:0:0x1:0xh:1:2:3", "too-few-fields"],
    ["1 field", 1, "garbage", "too-few-fields"],
    ["an empty member", 1, "", "too-few-fields"],
    ["a non-integer uncle height", 1, "x:0:0x1:0xh:1:2:3:0", "not-an-integer"],
    ["a decimal timestamp", 1, "0:0:0x1:0xh:1.5:2:3:0", "not-an-integer"],
    ["a hex difficulty", 1, "0:0:0x1:0xh:1:0x10:3:0", "not-an-integer"],
    ["an empty share sum", 1, "0:0:0x1:0xh:1:2::0", "not-an-integer"],
    ["a spaced share sum", 1, "0:0:0x1:0xh:1:2: 3:0", "not-an-integer"],
    ["a bad orphan bool", 1, "0:yes:0x1:0xh:1:2:3:0", "not-a-bool"],
    ["an empty orphan bool", 1, "0::0x1:0xh:1:2:3:0", "not-a-bool"],
    ["an +inf score", "inf", "0:0:0x1:0xh:1:2:3:0", "bad-score"],
    ["a -inf score", "-inf", "0:0:0x1:0xh:1:2:3:0", "bad-score"],
    ["a score of 2^63", "9223372036854775808", "0:0:0x1:0xh:1:2:3:0", "bad-score"],
  ])("skips %s and reports it", (_name, score, member, reason) => {
    const { sink, skipped } = recordingSink();
    const good = "0:0:0xgood:0xh:1:2:3:0";
    const rows = convertBlocks(zset([5, good], [score, member], [4, good]), sink);
    expect(skipped).toEqual([[member, reason]]);
    expect(rows.map((r) => r.height)).toEqual([5, 4]);
  });
});

describe("convertCandidates (the original's convertCandidateResults)", () => {
  it("reads a candidate with the candidate-only constants", () => {
    const member = `0x1122334455667788:${HASH}:${MIX}:1510000000:1500000000000000:1820000000000000`;
    const [row] = convertCandidates(zset([4370001, member]));
    expect(row).toEqual({
      height: 4370001,
      timestamp: 1510000000n,
      difficulty: 1500000000000000n,
      shares: 1820000000000000n,
      uncle: false,
      uncleHeight: 0n,
      orphan: false,
      hash: "",
      reward: "",
      nonce: "0x1122334455667788",
    });
    expect(toGoJson(blockToGo(row as NonNullable<typeof row>))).toBe(
      '{"height":4370001,"timestamp":1510000000,"difficulty":1500000000000000,"shares":1820000000000000,"uncle":false,"uncleHeight":0,"orphan":false,"hash":"","reward":""}',
    );
  });

  it("ignores fields past the sixth", () => {
    expect(convertCandidates(zset([1, "n:p:m:1:2:3:extra"]))[0]).toMatchObject({ timestamp: 1n, shares: 3n });
  });

  it.each<[string, string | number, string, MalformedReason]>([
    ["5 fields", 1, "n:p:m:1:2", "too-few-fields"],
    ["an empty member", 1, "", "too-few-fields"],
    ["a non-integer timestamp", 1, "n:p:m:t:2:3", "not-an-integer"],
    ["an exponent difficulty", 1, "n:p:m:1:1e15:3", "not-an-integer"],
    ["an underscore share sum", 1, "n:p:m:1:2:1_000", "not-an-integer"],
    ["an +inf score", "+inf", "n:p:m:1:2:3", "bad-score"],
    ["a NaN score", "nan", "n:p:m:1:2:3", "bad-score"],
  ])("skips %s and reports it", (_name, score, member, reason) => {
    const { sink, skipped } = recordingSink();
    const rows = convertCandidates(zset([9, "n:p:m:1:2:3"], [score, member]), sink);
    expect(skipped).toEqual([[member, reason]]);
    expect(rows).toHaveLength(1);
  });
});
