import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertBlocks, convertCandidates } from "../../src/convert/blocks.js";
import { convertMinerChart, convertPoolChart } from "../../src/convert/chart-members.js";
import { convertLuck } from "../../src/convert/luck.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { convertNodeStates } from "../../src/convert/node-states.js";
import { convertPayments } from "../../src/convert/payments.js";
import { aggregateShares } from "../../src/convert/shares.js";
import { convertStringMap } from "../../src/convert/string-map.js";
import { convertWorkersStats } from "../../src/convert/workers.js";
import { InvalidDurationError } from "../../src/errors/invalid-duration-error.js";
import { UnsupportedJsonValueError } from "../../src/errors/unsupported-json-value-error.js";
import { parseDuration } from "../../src/go/duration.js";
import { type GoJsonValue, toGoJson } from "../../src/go/json.js";
import { minerChartsToGo, poolChartsToGo } from "../../src/json/chart-shapes.js";
import { luckToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import type { BlockRow } from "../../src/model/rows.js";
import { recordingSink } from "../support/sink.js";
import {
  field,
  flatReply,
  GO_BOOLS,
  hugeDigits,
  intText,
  isGoInt,
  junkZset,
  member,
  type Score,
  shapedMember,
  shapedZset,
  soup,
  wellFormed,
  wellFormedSoup,
} from "./support/junk.js";

/**
 * Bad data at scale: 10,000 random inputs per converter, built from junk (colon soup,
 * huge numbers, empty fields, lone surrogates, unreadable scores). Nothing throws but the
 * documented typed errors, and every member is accounted for exactly once: returned rows
 * + reported skips = input members, each skip with the reason an oracle restated from the
 * reference gives, each row where the oracle says one should be.
 */

const RUNS = { numRuns: 10_000 };
const NOW = 1_700_000_000;

type Verdict = MalformedReason | "row";

/** Runs `convert` on junk and checks every pair's fate against `oracle`, in reply order. */
function checkEveryMember(
  convert: (reply: (string | number)[], sink: (member: string, reason: MalformedReason) => void) => unknown[],
  oracle: (parts: readonly string[]) => Verdict,
  minFields: number,
  replies: fc.Arbitrary<[string, Score][]>,
): void {
  fc.assert(
    fc.property(replies, (pairs) => {
      const { sink, skipped } = recordingSink();
      const rows = convert(flatReply(pairs), sink);
      const expected = pairs.map(([m, s]): [string, Verdict] => {
        if (!s.ok) return [m, "bad-score"];
        const parts = m.split(":");
        return [m, parts.length < minFields ? "too-few-fields" : oracle(parts)];
      });
      expect(rows.length + skipped.length).toBe(pairs.length);
      expect(skipped).toEqual(expected.filter(([, verdict]) => verdict !== "row"));
      expect(rows.length).toBe(expected.filter(([, verdict]) => verdict === "row").length);
    }),
    RUNS,
  );
}

describe("ZSET rows: every member is a row or a skip with the right reason (10,000 replies each)", () => {
  it("convertCandidates (nonce:pow:mix:timestamp:difficulty:shares)", () => {
    checkEveryMember(
      convertCandidates,
      (p) => (isGoInt(p[3]) && isGoInt(p[4]) && isGoInt(p[5]) ? "row" : "not-an-integer"),
      6,
      shapedZset("tttiii"),
    );
  });

  it("convertBlocks (uncleHeight:orphan:nonce:hash:timestamp:difficulty:shares:reward)", () => {
    checkEveryMember(
      convertBlocks,
      (p) => {
        if (![p[0], p[4], p[5], p[6]].every(isGoInt)) return "not-an-integer";
        return GO_BOOLS.has(p[1] as string) ? "row" : "not-a-bool";
      },
      8,
      shapedZset("ibttiiit"),
    );
  });

  it("convertPayments (tx:amount or tx:address:amount)", () => {
    checkEveryMember(
      convertPayments,
      (p) => (isGoInt(p.length >= 3 ? p[2] : p[1]) ? "row" : "not-an-integer"),
      2,
      shapedZset("tti", "ti"),
    );
  });
});

describe("chart series: every member is a point or a skip; the score is never read (3,000 replies each)", () => {
  for (const [name, convert, fields, shape] of [
    ["convertPoolChart (x:hashrate:minersOnline)", convertPoolChart, 3, "iii"],
    ["convertMinerChart (x:hashrate)", convertMinerChart, 2, "ii"],
  ] as const) {
    it(name, () => {
      fc.assert(
        fc.property(shapedZset(shape), (pairs) => {
          const { sink, skipped } = recordingSink();
          const points = convert(flatReply(pairs), sink);
          const verdicts = pairs.map(([m]): [string, Verdict] => {
            const parts = m.split(":");
            if (parts.length < fields) return [m, "too-few-fields"];
            return [m, parts.slice(0, fields).every(isGoInt) ? "row" : "not-an-integer"];
          });
          expect(skipped).toEqual(verdicts.filter(([, verdict]) => verdict !== "row"));
          expect(points.length).toBe(verdicts.length - skipped.length);
          // Whatever survived prints, in the fork's shape.
          const text = toGoJson(fields === 3 ? poolChartsToGo(points as never) : minerChartsToGo(points as never));
          expect(JSON.parse(text)).toHaveLength(points.length);
        }),
        { numRuns: 3000 }, // two fields' worth of junk: fewer runs cover it
      );
    });
  }
});

/** The shares the original counts, by the reference's rules: score, `diff:id:…`, diff an integer. */
function oracleShares(pairs: readonly (readonly [string, Score])[], recentFrom: number) {
  const groups = new Map<string, { sum: bigint; recent: bigint }>();
  let skipped = 0;
  for (const [m, s] of pairs) {
    const parts = m.split(":");
    if (!s.ok || parts.length < 2 || !isGoInt(parts[0])) {
      skipped++;
      continue;
    }
    const diff = BigInt(parts[0] as string);
    const id = parts[1] as string;
    const group = groups.get(id) ?? { sum: 0n, recent: 0n };
    group.sum += diff;
    if (Math.trunc(Number(s.raw)) >= recentFrom) group.recent += diff;
    groups.set(id, group);
  }
  return { groups, skipped };
}

/** Shares whose score is around now, so the windows matter. */
const shareZset = fc.array(
  fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.oneof(shapedMember("itti"), shapedMember("iti")) },
      { weight: 1, arbitrary: member },
    ),
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.integer({ min: NOW - 20_000, max: NOW + 5 }).map((n) => ({ raw: String(n), ok: true })),
      },
      { weight: 1, arbitrary: junkZset.map((pairs) => pairs[0]?.[1] ?? { raw: "inf", ok: false }) },
    ),
  ),
  { maxLength: 12 },
);

describe("share windows: every member is summed into its group or skipped (10,000 replies each)", () => {
  it("aggregateShares / convertMinersStats: exact sums per login, skips = members - counted", () => {
    fc.assert(
      fc.property(shareZset, fc.integer({ min: 1, max: 100_000 }), (pairs, window) => {
        const { sink, skipped } = recordingSink();
        const reply = flatReply(pairs);
        const groups = aggregateShares(reply, Number.NEGATIVE_INFINITY, sink);
        const oracle = oracleShares(pairs, Number.NEGATIVE_INFINITY);
        expect(skipped.length).toBe(oracle.skipped);
        expect(new Map([...groups].map(([id, g]) => [id, g.sum]))).toEqual(
          new Map([...oracle.groups].map(([id, g]) => [id, g.sum])),
        );
        const miners = convertMinersStats(reply, NOW, window);
        expect(miners.miners.size).toBe(oracle.groups.size);
        expect(miners.hashrate).toBe([...miners.miners.values()].reduce((sum, m) => sum + m.hr, 0n));
      }),
      RUNS,
    );
  });

  it("convertWorkersStats: exact small- and large-window sums, online + offline = workers", () => {
    fc.assert(
      fc.property(
        shareZset,
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        (pairs, a, b) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const reply = flatReply(pairs);
          const { sink, skipped } = recordingSink();
          const groups = aggregateShares(reply, NOW - small, sink);
          const oracle = oracleShares(pairs, NOW - small);
          expect(skipped.length).toBe(oracle.skipped);
          expect(new Map([...groups].map(([id, g]) => [id, [g.sum, g.recentSum]]))).toEqual(
            new Map([...oracle.groups].map(([id, g]) => [id, [g.sum, g.recent]])),
          );
          const stats = convertWorkersStats(reply, NOW, small, large);
          expect(stats.workersTotal).toBe(oracle.groups.size);
          expect(stats.workersOnline + stats.workersOffline).toBe(stats.workersTotal);
          const workers = [...stats.workers.values()];
          expect(stats.currentHashrate).toBe(workers.reduce((sum, w) => sum + w.hr, 0n));
          expect(stats.hashrate).toBe(workers.reduce((sum, w) => sum + w.hr2, 0n));
        },
      ),
      RUNS,
    );
  });
});

describe("hashes (10,000 each)", () => {
  it("convertStringMap: int64 text becomes bigint, everything else stays the exact string, nothing lost", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(wellFormedSoup, field), { selector: ([f]) => f, maxLength: 12 }),
        (entries) => {
          const map = convertStringMap(entries);
          expect(map.size).toBe(entries.length);
          for (const [f, value] of entries) {
            const n = isGoInt(value) ? BigInt(value) : undefined;
            const int64 = n !== undefined && n >= -(2n ** 63n) && n < 2n ** 63n;
            expect(map.get(f)).toBe(int64 ? n : value);
          }
        },
      ),
      RUNS,
    );
  });

  it("convertNodeStates: attributes + skipped = fields, a field without ':' is the only skip", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(member, soup), { selector: ([f]) => f, maxLength: 12 }), (entries) => {
        const { sink, skipped } = recordingSink();
        const nodes = convertNodeStates(entries, sink);
        const attributes = nodes.reduce((n, node) => n + node.fields.size, 0);
        expect(attributes + skipped.length).toBe(entries.length);
        expect(skipped).toEqual(entries.filter(([f]) => !f.includes(":")).map(([f]) => [f, "too-few-fields"]));
      }),
      RUNS,
    );
  });
});

const anyBig = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(0n, 1n, -1n),
  hugeDigits.map((digits) => BigInt(digits)),
  hugeDigits.map((digits) => -BigInt(digits)),
);

const junkBlock: fc.Arbitrary<BlockRow> = fc.record({
  height: fc.nat(),
  timestamp: anyBig,
  difficulty: anyBig,
  shares: anyBig,
  uncle: fc.boolean(),
  uncleHeight: anyBig,
  orphan: fc.boolean(),
  hash: soup,
  reward: soup,
  nonce: soup,
});

describe("luck (10,000 block lists)", () => {
  it("convertLuck: finite rows, keyed by blocks counted, encodable whatever the numbers", () => {
    fc.assert(
      fc.property(
        fc.array(junkBlock, { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }),
        (blocks, windows) => {
          const rows = convertLuck(blocks, windows);
          expect(rows.size).toBeGreaterThan(0);
          expect(rows.size).toBeLessThanOrEqual(windows.length);
          for (const [key, row] of rows) {
            expect(Number(key)).toBeLessThanOrEqual(blocks.length);
            for (const value of [row.luck, row.uncleRate, row.orphanRate]) expect(Number.isFinite(value)).toBe(true);
          }
          expect(() => JSON.parse(toGoJson(luckToGo(rows)))).not.toThrow();
        },
      ),
      RUNS,
    );
  });
});

describe("parseDuration (10,000 strings and 10,000 numbers)", () => {
  const durationSoup = fc.string({
    unit: fc.oneof(
      fc.constantFrom("0", "1", "9", ".", "-", "+", "h", "m", "s", "ms", "us", "\u00b5s", "\u03bcs", "ns", " ", "e"),
      hugeDigits,
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    ),
    maxLength: 16,
  });

  it("strings: a finite non-negative ms, or InvalidDurationError; nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(durationSoup, soup), (text) => {
        try {
          const ms = parseDuration(text);
          expect(Number.isFinite(ms) && ms >= 0).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidDurationError);
        }
      }),
      RUNS,
    );
  });

  it("numbers: themselves when finite and ≥ 0, else InvalidDurationError", () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        if (Number.isFinite(n) && n >= 0) expect(parseDuration(n)).toBe(n);
        else expect(() => parseDuration(n)).toThrow(InvalidDurationError);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// toGoJson over random value trees

const jsonKey = wellFormedSoup;
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  soup,
  anyBig,
  intText.map(BigInt),
  fc.double(), // NaN and ±Infinity included: the one documented error
);

const { tree } = fc.letrec<{ tree: GoJsonValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("tree"), { maxLength: 5 }),
    fc.uniqueArray(fc.tuple(jsonKey, tie("tree")), { selector: ([k]) => k, maxLength: 5 }).map((e) => new Map(e)),
    fc
      .uniqueArray(fc.tuple(jsonKey, tie("tree")), { selector: ([k]) => k, maxLength: 5 })
      .map((e) => Object.fromEntries(e) as GoJsonValue),
  ),
}));

/** What JSON.parse must read back from Go's bytes for `value`. */
function parsedForm(value: GoJsonValue): unknown {
  if (typeof value === "bigint") return Number(value); // JSON.parse rounds big integers the same way
  if (typeof value === "string") return wellFormed(value); // Go writes invalid UTF-16 as \ufffd
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(parsedForm);
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return Object.fromEntries(entries.map(([k, v]) => [k, parsedForm(v as GoJsonValue)]));
}

function hasNonFinite(value: GoJsonValue): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (value === null || typeof value !== "object") return false;
  const children = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  return children.some((child) => hasNonFinite(child as GoJsonValue));
}

describe("toGoJson (10,000 random value trees)", () => {
  it("valid JSON that reads back as the value, or UnsupportedJsonValueError for NaN/±Infinity only", () => {
    fc.assert(
      fc.property(tree, (value) => {
        let text: string;
        try {
          text = toGoJson(value);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsupportedJsonValueError);
          expect(hasNonFinite(value)).toBe(true);
          return;
        }
        expect(hasNonFinite(value)).toBe(false);
        expect(text).not.toMatch(/[<>&\u2028\u2029]/); // HTML-safe, as Go writes it
        expect(JSON.parse(text)).toEqual(parsedForm(value));
      }),
      RUNS,
    );
  });
});
