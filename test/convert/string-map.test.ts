import { describe, expect, it } from "vitest";
import { convertStringMap } from "../../src/convert/string-map.js";
import { toGoJson } from "../../src/go/json.js";

describe("convertStringMap: int64 values become bigint, anything else stays the exact string", () => {
  it.each([
    ["1699999700", 1699999700n],
    ["+5", 5n],
    ["007", 7n],
    ["-0", 0n],
    ["-136533898", -136533898n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    // Overflowing ints stay strings: Go's ParseInt errors, and convertStringMap keeps the text.
    ["9223372036854775808", "9223372036854775808"],
    ["-9223372036854775809", "-9223372036854775809"],
    ["18446744073709551616", "18446744073709551616"],
    ["1.5", "1.5"],
    ["1e3", "1e3"],
    ["0x10", "0x10"],
    ["1_000", "1_000"],
    [" 5", " 5"],
    ["", ""],
    ["main", "main"],
  ] as const)("%j → %s", (value, expected) => {
    expect(convertStringMap([["field", value]]).get("field")).toBe(expected);
  });

  it("keeps every field, and prints as a Go map (sorted keys, ints bare, strings quoted)", () => {
    const map = convertStringMap([
      ["roundShares", "72000000000"],
      ["lastBlockFound", "1699999700"],
      ["note", "<b>"],
      ["huge", "99999999999999999999"],
    ]);
    expect(map.size).toBe(4);
    expect(toGoJson(map)).toBe(
      '{"huge":"99999999999999999999","lastBlockFound":1699999700,"note":"\\u003cb\\u003e","roundShares":72000000000}',
    );
  });

  it("gives {} for an empty hash", () => {
    expect(toGoJson(convertStringMap([]))).toBe("{}");
  });
});
