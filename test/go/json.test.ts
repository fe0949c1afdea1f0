import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UnsupportedJsonValueError } from "../../src/errors/unsupported-json-value-error.js";
import { type GoJsonValue, goQuote, toGoJson } from "../../src/go/json.js";
import { compareUtf8 } from "../../src/go/utf8-order.js";

const go = (value: GoJsonValue) => toGoJson(value);
const map = (...entries: [string, GoJsonValue][]) => new Map<string, GoJsonValue>(entries);

describe("toGoJson: map keys in byte order (Go's encoding/json), struct fields in declaration order", () => {
  it('sorts luck keys as strings: "128" before "256" before "64"', () => {
    expect(go(map(["64", 1], ["128", 2], ["256", 3]))).toBe('{"128":2,"256":3,"64":1}');
  });

  it('sorts worker ids by bytes: "0", "10", "2", "Rig", "rig-1"', () => {
    expect(go(map(["rig-1", 1n], ["2", 2n], ["Rig", 3n], ["10", 4n], ["0", 5n]))).toBe(
      '{"0":5,"10":4,"2":2,"Rig":3,"rig-1":1}',
    );
  });

  it("sorts by UTF-8 bytes, not UTF-16 units: U+FF21 before U+1F600", () => {
    // UTF-16: D83D… < FF21, so JS's default sort would put the emoji first.
    expect(["\u{1F600}", "\uFF21"].sort()).toEqual(["\u{1F600}", "\uFF21"]);
    expect(go(map(["\u{1F600}", 1n], ["\uFF21", 2n]))).toBe('{"\uFF21":2,"\u{1F600}":1}');
    expect(compareUtf8("\uFF21", "\u{1F600}")).toBeLessThan(0);
    expect(compareUtf8("\u{1F600}", "\u{1F601}")).toBeLessThan(0);
    expect(compareUtf8("a", "ab")).toBeLessThan(0);
    expect(compareUtf8("é", "z")).toBeGreaterThan(0);
  });

  it("sorts like Buffer.compare of the UTF-8 bytes for any valid Unicode keys", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 6 }), { maxLength: 12 }), (keys) => {
        const byBytes = keys
          .map((key) => ({ key, bytes: Buffer.from(key, "utf8") }))
          .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
          .map(({ key }) => key);
        expect([...keys].sort(compareUtf8)).toEqual(byBytes);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps struct fields in insertion order, nested", () => {
    expect(go({ lastBeat: 1n, hr: 2n, offline: false, hr2: 3n })).toBe('{"lastBeat":1,"hr":2,"offline":false,"hr2":3}');
    expect(go({ z: map(["b", 1n], ["a", { y: true, x: null }]) })).toBe('{"z":{"a":{"y":true,"x":null},"b":1}}');
  });
});

describe("toGoJson: Go's string escaping (HTML-safe, before Go 1.22)", () => {
  it.each([
    ["<>&", "\\u003c\\u003e\\u0026"],
    ["<script>alert('x')</script>", "\\u003cscript\\u003ealert('x')\\u003c/script\\u003e"],
    ["\u2028\u2029", "\\u2028\\u2029"],
    ["\b\f", "\\u0008\\u000c"],
    ["\n\r\t", "\\n\\r\\t"],
    ["\u0000\u0001\u001b\u001f", "\\u0000\\u0001\\u001b\\u001f"],
    ['"\\', '\\"\\\\'],
    ["\u007f", "\u007f"], // DEL raw
    ["/", "/"], // not escaped (unlike some encoders)
    ["'", "'"],
    ["é中😀", "é中😀"], // non-ASCII raw
    ["\u00a0\u2027\u202a", "\u00a0\u2027\u202a"], // only U+2028/9 among the separators
    ["\ud800", "\\ufffd"], // a lone high surrogate is invalid UTF-8 to Go
    ["a\udc00b", "a\\ufffdb"], // a lone low surrogate too
    ["\udc00\ud800", "\\ufffd\\ufffd"], // reversed pair: two lone surrogates
    ["\ud83d\ude00", "😀"], // a valid pair is one code point, raw
    ["\ufffd", "\\ufffd"], // what ioredis makes of invalid bytes; escaped like Go escapes those bytes
    ["", ""],
    ["plain ascii 0x1f", "plain ascii 0x1f"],
  ])("%j → %s", (text, escaped) => {
    expect(goQuote(text)).toBe(`"${escaped}"`);
    expect(go(text)).toBe(`"${escaped}"`);
  });

  it("escapes map keys and struct field names the same way", () => {
    expect(go(map(["<k>", "&"]))).toBe('{"\\u003ck\\u003e":"\\u0026"}');
    expect(go({ "a\nb": 1n })).toBe('{"a\\nb":1}');
  });

  it("prints valid JSON that reads back as the same string, with nothing raw that Go escapes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const quoted = goQuote(text);
        expect(JSON.parse(quoted)).toBe(text);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must never be raw
        expect(quoted).not.toMatch(/[<>&\u2028\u2029\u0000-\u001f]/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("toGoJson: numbers", () => {
  it.each([
    [0n, "0"],
    [-1n, "-1"],
    [9007199254740993n, "9007199254740993"], // 2^53 + 1: a Number would print ...992
    [2n ** 63n - 1n, "9223372036854775807"],
    [-(2n ** 63n), "-9223372036854775808"],
    [2n ** 64n + 1n, "18446744073709551617"],
    [10n ** 30n, "1000000000000000000000000000000"],
  ])("prints the integer %s with every digit", (value, text) => {
    expect(go(value)).toBe(text);
  });

  it.each([
    [0.3, "0.3"],
    [0.000025, "0.000025"],
    [123456789.125, "123456789.125"],
    [1e-7, "1e-7"],
    [1.5e-7, "1.5e-7"],
    [0.000001, "0.000001"],
    [1e21, "1e+21"],
    [1.5e300, "1.5e+300"],
    [1e20, "100000000000000000000"],
    [123456789012345680000, "123456789012345680000"],
    [1, "1"],
    [0, "0"],
    [-0, "-0"],
    [-2.5, "-2.5"],
    [1 / 3, "0.3333333333333333"],
    [0.1 + 0.2, "0.30000000000000004"],
    [5e-324, "5e-324"],
    [Number.MAX_VALUE, "1.7976931348623157e+308"],
  ])("prints the float %d as Go does: %s", (value, text) => {
    expect(go(value)).toBe(text);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "refuses %d with UnsupportedJsonValueError, also nested",
    (value) => {
      for (const wrapped of [value, [1n, value], map(["luck", value]), { row: map(["4", map(["luck", value])]) }]) {
        const attempt = () => go(wrapped as GoJsonValue);
        expect(attempt).toThrow(UnsupportedJsonValueError);
        expect(attempt).toThrow(/^json: unsupported value: (NaN|-?Infinity)$/);
      }
    },
  );
});

describe("toGoJson: nil, empty and other values", () => {
  it("prints null for a nil slice and [] for an empty one, {} for an empty map or struct", () => {
    expect(go(null)).toBe("null");
    expect(go([])).toBe("[]");
    expect(go(new Map())).toBe("{}");
    expect(go({})).toBe("{}");
    expect(go(map(["payments", null], ["miners", new Map()]))).toBe('{"miners":{},"payments":null}');
  });

  it("prints booleans and nested arrays", () => {
    expect(go([true, false, [null, "x", 1n, 0.5]])).toBe('[true,false,[null,"x",1,0.5]]');
  });

  it.each([
    ["undefined", undefined],
    ["undefined in a struct", { a: undefined }],
    ["undefined in a map", new Map([["a", undefined]])],
    ["undefined in an array", [undefined]],
    ["a function", () => 1],
    ["a symbol", Symbol("x")],
  ])("refuses %s with UnsupportedJsonValueError", (_name, value) => {
    const attempt = () => go(value as unknown as GoJsonValue);
    expect(attempt).toThrow(UnsupportedJsonValueError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "ERR_UNSUPPORTED_JSON_VALUE" });
    }
  });
});
