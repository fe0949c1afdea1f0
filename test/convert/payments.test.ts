import { describe, expect, it } from "vitest";
import { convertPayments, isPoolPayment } from "../../src/convert/payments.js";
import { toGoJson } from "../../src/go/json.js";
import { paymentsToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import { recordingSink, zset } from "../support/sink.js";

const TX = `0x${"1a".repeat(32)}`;
const LOGIN = `0x${"8e".repeat(20)}`;

describe("convertPayments (the original's convertPaymentsResults)", () => {
  it.each([
    [
      "a pool row (3 fields): tx, address, amount",
      `${TX}:${LOGIN}:500000000`,
      { tx: TX, address: LOGIN, amount: 500000000n },
    ],
    ["an account row (2 fields): tx, amount", `${TX}:500000000`, { tx: TX, amount: 500000000n }],
    ["4+ fields: still tx, address, amount", `${TX}:${LOGIN}:7:extra`, { tx: TX, address: LOGIN, amount: 7n }],
    [
      "an amount beyond int64, exact",
      `${TX}:${LOGIN}:18446744073709551617`,
      { tx: TX, address: LOGIN, amount: 2n ** 64n + 1n },
    ],
    ["a negative amount", `${TX}:-5`, { tx: TX, amount: -5n }],
    ["empty tx and address", "::+05", { tx: "", address: "", amount: 5n }],
  ])("reads %s", (_name, member, expected) => {
    const { sink, skipped } = recordingSink();
    const rows = convertPayments(zset([1699999100.9, member]), sink);
    expect(skipped).toEqual([]);
    expect(rows).toEqual([{ timestamp: 1699999100, ...expected }]);
  });

  it("gives an address key only to rows from 3+ field members", () => {
    const rows = convertPayments(zset([2, `${TX}:${LOGIN}:1`], [1, `${TX}:2`]));
    expect(rows.map(isPoolPayment)).toEqual([true, false]);
    expect("address" in (rows[1] as object)).toBe(false);
    expect(toGoJson(paymentsToGo(rows))).toBe(
      `[{"address":"${LOGIN}","amount":1,"timestamp":2,"tx":"${TX}"},{"amount":2,"timestamp":1,"tx":"${TX}"}]`,
    );
  });

  it("keeps reply order (newest first from ZREVRANGE)", () => {
    const rows = convertPayments(zset([3, "c:3"], [2, "b:2"], [1, "a:1"]));
    expect(rows.map((r) => r.tx)).toEqual(["c", "b", "a"]);
  });

  it("returns no rows for an empty reply (JSON null)", () => {
    expect(convertPayments([])).toEqual([]);
    expect(toGoJson(paymentsToGo([]))).toBe("null");
  });

  it.each<[string, string | number, string, MalformedReason]>([
    ["a single field", 1, TX, "too-few-fields"],
    ["an empty member", 1, "", "too-few-fields"],
    ["a non-integer account amount", 1, `${TX}:0.5`, "not-an-integer"],
    ["a non-integer pool amount", 1, `${TX}:${LOGIN}:five`, "not-an-integer"],
    ["a pool amount with a space", 1, `${TX}:${LOGIN}: 5`, "not-an-integer"],
    ["an empty pool amount", 1, `${TX}:${LOGIN}:`, "not-an-integer"],
    ["an +inf score", "inf", `${TX}:5`, "bad-score"],
    ["a -inf score", "-inf", `${TX}:5`, "bad-score"],
  ])("skips %s and reports it", (_name, score, member, reason) => {
    const { sink, skipped } = recordingSink();
    const rows = convertPayments(zset([9, "ok:1"], [score, member], [8, "ok2:2"]), sink);
    expect(skipped).toEqual([[member, reason]]);
    expect(rows.map((r) => r.tx)).toEqual(["ok", "ok2"]);
  });
});
