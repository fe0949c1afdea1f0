import { describe, expect, it } from "vitest";
import { loadGolden, loadGoldenExact, parseJsonExact } from "./golden.js";

describe("parseJsonExact", () => {
  it("keeps integers beyond 2^53 exact and leaves everything else as JSON.parse does", () => {
    const text =
      '{"a": 9007199254740993, "b": [1, -18446744073709551615, 1.5e300], "c": "x:9007199254740993\\"", "d": 2}';
    expect(parseJsonExact(text)).toEqual({
      a: 9007199254740993n,
      b: [1, -18446744073709551615n, 1.5e300],
      c: 'x:9007199254740993"',
      d: 2,
    });
  });

  it("reads the golden file to the same data, with big integers exact", () => {
    const exact = loadGoldenExact("b_small_pool");
    const plain = loadGolden("b_small_pool");
    expect(exact.commands).toEqual(plain.commands);
    const call = exact.calls.find((c) => c.fn === "WriteBlock");
    expect(call?.args.roundDiff).toBe(58000000000000000n);
  });
});
