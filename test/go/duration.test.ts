import { describe, expect, it } from "vitest";
import { InvalidDurationError } from "../../src/errors/invalid-duration-error.js";
import { durationSeconds, formatDuration, parseDuration, parseGoDurationNs } from "../../src/go/duration.js";

const MAX_NS = 2n ** 63n - 1n;

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("parseDuration: Go's time.ParseDuration, in milliseconds", () => {
  it.each([
    ["300ms", 300],
    ["1.5h", 5_400_000],
    ["2h45m", 9_900_000],
    ["1h30m", 5_400_000],
    ["30m", 1_800_000],
    ["3h", 10_800_000],
    ["10m0s", 600_000],
    ["5s", 5000],
    ["0", 0],
    ["-0", 0],
    ["+0", 0],
    ["0s", 0],
    ["-0s", 0], // negative zero is zero, not a negative duration
    ["+5s", 5000],
    [".5s", 500],
    ["1.s", 1000],
    ["0.5m", 30_000],
    ["1h1m1s1ms", 3_661_001],
    ["1s1s", 2000], // Go sums repeated units
    ["100ms1h", 3_600_100], // and takes them in any order
    ["1500us", 1.5],
    ["1500\u00b5s", 1.5], // µ MICRO SIGN
    ["1500\u03bcs", 1.5], // μ GREEK SMALL LETTER MU
    ["1ns", 0.000001],
    ["1.000000001s", 1000.000001],
    ["007s", 7000],
  ])("%j → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ["9223372036854775807ns", MAX_NS],
    ["2562047h", 2562047n * 3_600_000_000_000n],
    ["2562047h47m16.854775807s", MAX_NS],
    ["0.000000001s", 1n],
    ["0.0000000009s", 0n], // below a nanosecond: Go truncates
    ["1.5h", 5_400_000_000_000n],
    [".3333333333333333333333s", 333_333_333n], // extra fraction digits are dropped, as in Go
  ])("%j → %s ns exactly", (text, ns) => {
    expect(parseGoDurationNs(text)).toBe(ns);
  });

  it.each([
    ["", "empty"],
    ["5", "missing unit"],
    ["5x", "unknown unit"],
    ["5 s", "unknown unit"],
    [" 5s", "expected a number"],
    ["5s ", "unknown unit"],
    ["1d", "unknown unit"],
    ["1S", "unknown unit"],
    ["1H", "unknown unit"],
    ["1Ms", "unknown unit"],
    ["s", "expected a number"],
    [".s", "expected a number"],
    ["-", "empty"],
    ["+", "empty"],
    ["--1s", "expected a number"],
    ["+-1s", "expected a number"],
    ["1.5.5s", "missing unit"], // Go: after "1.5" the unit stops at the second "."
    ["1e3s", "unknown unit"],
    ["0x10s", "unknown unit"],
    ["1_000s", "unknown unit"],
    ["-5s", "negative"],
    ["-1ns", "negative"],
    ["-1.5h", "negative"],
    ["9223372036854775808ns", "overflows"],
    ["2562048h", "overflows"],
    ["2562047h47m16.854775808s", "overflows"],
    ["99999999999999999999s", "overflows"],
    ["9223372036854775807ns1ns", "overflows"],
  ])("rejects %j (%s)", (text, reason) => {
    const error = thrown(() => parseDuration(text));
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({ code: "ERR_INVALID_DURATION", input: text });
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain(JSON.stringify(text));
  });

  it.each([
    [0, 0],
    [1500, 1500],
    [0.5, 0.5],
    [1e12, 1e12],
  ])("takes the number %d as milliseconds", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects the number %d", (n) => {
    expect(thrown(() => parseDuration(n))).toBeInstanceOf(InvalidDurationError);
  });

  it.each([null, undefined, {}, [], true, 5n])("rejects %s from untyped callers with a typed error", (input) => {
    const error = thrown(() => parseDuration(input as never));
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({ code: "ERR_INVALID_DURATION" });
  });
});

describe("durationSeconds: whole seconds, truncated like int64(d / time.Second)", () => {
  it.each([
    ["30m", 1800],
    ["3h", 10800],
    ["1500ms", 1],
    ["1999ms", 1],
    ["999ms", 0],
    ["0.9s", 0],
    ["1h0.5s", 3600],
    ["2562047h", 9_223_369_200],
    [999, 0],
    [1000, 1],
    [1999.9, 1],
    [1_800_000, 1800],
  ] as const)("%j → %d s", (input, seconds) => {
    expect(durationSeconds(input)).toBe(seconds);
  });

  it("rejects what parseDuration rejects", () => {
    expect(thrown(() => durationSeconds("abc"))).toBeInstanceOf(InvalidDurationError);
    expect(thrown(() => durationSeconds(-1))).toBeInstanceOf(InvalidDurationError);
  });
});

describe("formatDuration: Go's Duration.String", () => {
  it.each([
    [5000, "5s"],
    [600_000, "10m0s"],
    [5_400_000, "1h30m0s"],
    [3_600_000, "1h0m0s"],
    [90_061_000, "25h1m1s"],
    [500, "500ms"],
    [1.5, "1.5ms"],
    [1001, "1.001s"],
    [60_500, "1m0.5s"],
    [0.0015, "1.5\u00b5s"],
    [0.001, "1\u00b5s"],
    [0.000001, "1ns"],
    [0.000999, "999ns"],
    [0, "0s"],
    [-1500, "-1.5s"],
    [-0.0015, "-1.5\u00b5s"],
  ])("%d ms → %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  // Milliseconds as a double hold every nanosecond only up to ~2.5 hours' worth of 2^53 ns;
  // these are all well inside.
  it.each(["5s", "10m0s", "1h30m0s", "500ms", "1.5\u00b5s", "1ns", "1h0m0.000000001s", "2562047h47m16s"])(
    "round-trips %j through parseDuration",
    (text) => {
      expect(formatDuration(parseDuration(text))).toBe(text);
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects %d with a typed error", (ms) => {
    expect(thrown(() => formatDuration(ms))).toBeInstanceOf(InvalidDurationError);
  });
});
