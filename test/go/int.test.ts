import { describe, expect, it } from "vitest";
import { parseGoBool } from "../../src/go/bool.js";
import { parseGoInt, parseGoInt64 } from "../../src/go/int.js";
import { parseScore } from "../../src/go/score.js";

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

describe("parseGoInt: the syntax of Go's strconv.ParseInt(s, 10, 64), never clamped", () => {
  it.each([
    ["0", 0n],
    ["5", 5n],
    ["+5", 5n],
    ["-5", -5n],
    ["007", 7n],
    ["-0", 0n],
    ["+0", 0n],
    ["-007", -7n],
    ["9223372036854775807", MAX_INT64],
    ["-9223372036854775808", MIN_INT64],
    // Go clamps these to the int64 limits; we keep the exact value (README "Differences").
    ["9223372036854775808", MAX_INT64 + 1n],
    ["-9223372036854775809", MIN_INT64 - 1n],
    ["18446744073709551617", 2n ** 64n + 1n],
  ])("%j → %s", (text, expected) => {
    expect(parseGoInt(text)).toBe(expected);
  });

  it.each([
    " 5",
    "5 ",
    "",
    "+",
    "-",
    "+-5",
    "--5",
    "1.5",
    "1.",
    ".5",
    "0x10",
    "0b1",
    "0o7",
    "1_000",
    "1e3",
    "1E3",
    "5\n",
    "\n5",
    "\t5",
    "Infinity",
    "NaN",
    "٣", // Arabic-Indic digit: not ASCII, Go rejects it
    "５", // full-width digit
  ])("rejects %j", (text) => {
    expect(parseGoInt(text)).toBeUndefined();
  });
});

describe("parseGoInt64: int64 range as convertStringMap needs it", () => {
  it.each([
    ["9223372036854775807", MAX_INT64],
    ["-9223372036854775808", MIN_INT64],
    ["+9223372036854775807", MAX_INT64],
    ["-09223372036854775808", MIN_INT64],
    ["00000000000000000000000042", 42n],
  ])("accepts %j", (text, expected) => {
    expect(parseGoInt64(text)).toBe(expected);
  });

  it.each([
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999",
    "1.5",
    "",
    " 1",
  ])("rejects %j", (text) => {
    expect(parseGoInt64(text)).toBeUndefined();
  });
});

describe("parseGoBool: exactly Go's strconv.ParseBool set", () => {
  it.each(["1", "t", "T", "TRUE", "true", "True"])("%j → true", (text) => {
    expect(parseGoBool(text)).toBe(true);
  });
  it.each(["0", "f", "F", "FALSE", "false", "False"])("%j → false", (text) => {
    expect(parseGoBool(text)).toBe(false);
  });
  it.each(["", "2", "yes", "no", "tRUE", "fALSE", "TRue", " 1", "1 ", "01", "-1", "on", "y"])(
    "%j → undefined (Go: false with an error)",
    (text) => {
      expect(parseGoBool(text)).toBeUndefined();
    },
  );
});

describe("parseScore: int64(score), truncating toward zero", () => {
  it.each([
    ["0", 0],
    ["1", 1],
    ["1699999999", 1699999999],
    ["1.5", 1],
    ["1.9999", 1],
    ["-1.5", -1],
    ["-1.9999", -1],
    ["-0.5", 0],
    ["0.5", 0],
    ["-0", 0],
    ["1e3", 1000],
    ["1.5e3", 1500],
    ["1.23456789e+08", 123456789],
    [".5", 0],
    ["5.", 5],
    ["+7", 7],
    ["9007199254740993", 9007199254740992], // Redis's double of 2^53+1 is 2^53
    ["9223372036854774784", 2 ** 63 - 1024], // the largest double below 2^63
    ["-9223372036854774784", -(2 ** 63 - 1024)],
    [1699999999.7, 1699999999],
    [-2.5, -2],
  ] as const)("%j → %d", (score, expected) => {
    expect(parseScore(score)).toBe(expected);
  });

  it("never returns -0", () => {
    for (const score of ["-0", "-0.0", "-0.9", "-1e-300", -0, -0.25]) {
      expect(Object.is(parseScore(score), -0), String(score)).toBe(false);
      expect(parseScore(score)).toBe(0);
    }
  });

  it.each([
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "nan",
    "NaN",
    "9223372036854775808", // 2^63
    "9.3e18",
    "-9223372036854775808", // |score| >= 2^63: Go's int64() is platform-defined there
    "1e400",
    "",
    " 1",
    "1 ",
    "0x10",
    "1_000",
    "abc",
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    2 ** 63,
    -(2 ** 63),
  ])("%j → undefined (bad-score)", (score) => {
    expect(parseScore(score)).toBeUndefined();
  });
});
