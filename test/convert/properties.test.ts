import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertBlocks, convertCandidates } from "../../src/convert/blocks.js";
import { convertLuck } from "../../src/convert/luck.js";
import { convertMinersStats } from "../../src/convert/miners.js";
import { convertNodeStates } from "../../src/convert/node-states.js";
import { convertPayments } from "../../src/convert/payments.js";
import { toHashEntries, toZsetWithScores } from "../../src/convert/reply-shapes.js";
import { aggregateShares } from "../../src/convert/shares.js";
import { convertStringMap } from "../../src/convert/string-map.js";
import { convertWorkersStats } from "../../src/convert/workers.js";
import { InvalidDurationError } from "../../src/errors/invalid-duration-error.js";
import { parseGoBool } from "../../src/go/bool.js";
import { durationSeconds, parseDuration, parseGoDurationNs } from "../../src/go/duration.js";
import { parseGoInt, parseGoInt64 } from "../../src/go/int.js";
import { toGoJson } from "../../src/go/json.js";
import { parseScore } from "../../src/go/score.js";
import { luckToGo } from "../../src/json/compat-shapes.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import type { BlockRow } from "../../src/model/rows.js";
import { recordingSink } from "../support/sink.js";

/**
 * Property tests of every converter: well-formed members built from arbitrary values read
 * back as those values; arbitrary junk never throws and every input is either returned
 * or reported as skipped, exactly once.
 */

const RUNS = { numRuns: 1000 };
const HEAVY = { numRuns: 400 };
const TWO_POW_63 = 2n ** 63n;

// ---------------------------------------------------------------------------------------
// Arbitraries

const textUnits = [
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.constantFrom(":", "0", "9", "-", "+", ".", "e", "x", "_", " ", "inf", "\u00b5") },
] as const;

/** Any text Redis can hand back through ioredis (valid Unicode, every code point). */
const validText = fc.string({ unit: fc.oneof(...textUnits), maxLength: 30 });

/** Any UTF-16 unit sequence, including lone surrogates (ioredis never yields them, a host might). */
const anyText = fc.string({
  unit: fc.oneof(...textUnits, {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)),
  }),
  maxLength: 30,
});

/** A field of a member: anything without ':'. */
const fieldText = anyText.map((s) => s.replaceAll(":", ""));

/** Integers of every size: small, int64 edges, and far beyond 2^64. */
const anyBigInt = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -TWO_POW_63, max: TWO_POW_63 - 1n }),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.constantFrom(TWO_POW_63 - 1n, -TWO_POW_63, TWO_POW_63, 2n ** 64n + 1n, -(2n ** 64n) - 1n),
);

/** A decimal rendering Go's ParseInt accepts: optional '+', leading zeros. */
const renderedInt = (value: fc.Arbitrary<bigint>) =>
  fc.tuple(value, fc.boolean(), fc.integer({ min: 0, max: 3 })).map(([n, plus, zeros]) => ({
    value: n,
    text: `${n < 0n ? "-" : plus ? "+" : ""}${"0".repeat(zeros)}${n < 0n ? -n : n}`,
  }));

/** A ZSET score as Redis prints it, for an integer `n`, sometimes with a fraction (truncated away). */
const scoreOf = (n: number) =>
  fc.constantFrom(
    String(n),
    Math.abs(n) < 2 ** 40 ? `${n}.5` : String(n),
    Math.abs(n) < 2 ** 40 ? `${n}.999` : String(n),
  );

/** Integer scores of every kind a well-formed member may carry. */
const anyIntScore = fc.oneof(
  fc.integer({ min: -1_000_000, max: 2_000_000_000 }),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
);

/** A score that may be anything: numbers, Redis's inf, junk text. */
const anyScore: fc.Arbitrary<string | number> = fc.oneof(
  fc.double(),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom("inf", "-inf", "+inf", "nan", "9223372036854775808", "-0", "1e400", ""),
  anyText,
);

/** A member made of arbitrary ':'-joined junk, some parts numeric. */
const junkMember = fc
  .array(fc.oneof(anyText, anyBigInt.map(String), fc.constantFrom("", "0", "1", "true", "0x0")), { maxLength: 10 })
  .map((parts) => parts.join(":"));

/** A flat WITHSCORES reply of junk. */
const junkReply = fc.array(fc.tuple(junkMember, anyScore), { maxLength: 20 }).map((pairs) => pairs.flat());

const GO_BOOLS = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"] as const;

// ---------------------------------------------------------------------------------------
// Go parsing

describe("Go parsing properties", () => {
  it("parseGoInt reads back every rendering of every integer, exactly", () => {
    fc.assert(
      fc.property(renderedInt(anyBigInt), ({ value, text }) => {
        expect(parseGoInt(text)).toBe(value);
      }),
      RUNS,
    );
  });

  it("parseGoInt64 accepts exactly the int64 range", () => {
    fc.assert(
      fc.property(renderedInt(anyBigInt), ({ value, text }) => {
        const inRange = value >= -TWO_POW_63 && value < TWO_POW_63;
        expect(parseGoInt64(text)).toBe(inRange ? value : undefined);
      }),
      RUNS,
    );
  });

  it("parseGoInt, parseGoInt64, parseGoBool and parseScore never throw, and accept only their syntax", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const int = parseGoInt(text);
        expect(int === undefined || /^[+-]?[0-9]+$/.test(text)).toBe(true);
        if (int !== undefined) expect(int).toBe(BigInt(text));
        const int64 = parseGoInt64(text);
        expect(int64 === undefined || int64 === int).toBe(true);
        expect(parseGoBool(text)).toBe(
          (GO_BOOLS as readonly string[]).includes(text) ? GO_BOOLS.indexOf(text as never) < 6 : undefined,
        );
        const score = parseScore(text);
        expect(score === undefined || Number.isSafeInteger(score) || Number.isInteger(score)).toBe(true);
      }),
      RUNS,
    );
  });

  it("parseScore is int64(score): truncation toward zero, no -0, undefined outside int64", () => {
    fc.assert(
      fc.property(fc.double(), fc.boolean(), (value, asText) => {
        const score = parseScore(asText ? String(value) : value);
        if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) {
          expect(score).toBeUndefined();
        } else {
          expect(score).toBe(Math.trunc(value) === 0 ? 0 : Math.trunc(value));
          expect(Object.is(score, -0)).toBe(false);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Block lists and payments: row or skip, exactly once

/** Runs `convert` on a junk reply and checks that every pair is returned or reported once. */
function checkRowsOrSkips(
  convert: (reply: (string | number)[], sink: (m: string, r: MalformedReason) => void) => unknown[],
) {
  fc.assert(
    fc.property(junkReply, (reply) => {
      const { sink, skipped } = recordingSink();
      const rows = convert(reply, sink);
      expect(rows.length + skipped.length).toBe(reply.length / 2);
    }),
    RUNS,
  );
}

describe("convertCandidates properties", () => {
  const candidate = fc.record({
    height: anyIntScore,
    nonce: fieldText,
    pow: fieldText,
    mix: fieldText,
    timestamp: renderedInt(anyBigInt),
    difficulty: renderedInt(anyBigInt),
    shares: renderedInt(anyBigInt),
    extra: fc.array(anyText, { maxLength: 3 }),
  });

  it("reads any well-formed candidate back", () => {
    fc.assert(
      fc.property(
        candidate.chain((c) => scoreOf(c.height).map((score) => ({ c, score }))),
        ({ c, score }) => {
          const member = [c.nonce, c.pow, c.mix, c.timestamp.text, c.difficulty.text, c.shares.text, ...c.extra].join(
            ":",
          );
          const { sink, skipped } = recordingSink();
          const rows = convertCandidates([member, score], sink);
          expect(skipped).toEqual([]);
          expect(rows).toEqual([
            {
              height: c.height === 0 ? 0 : c.height,
              timestamp: c.timestamp.value,
              difficulty: c.difficulty.value,
              shares: c.shares.value,
              uncle: false,
              uncleHeight: 0n,
              orphan: false,
              hash: "",
              reward: "",
              nonce: c.nonce,
            },
          ]);
        },
      ),
      RUNS,
    );
  });

  it("never throws on junk; rows + skipped = members", () => checkRowsOrSkips(convertCandidates));
});

describe("convertBlocks properties", () => {
  const blockMember = fc.record({
    height: anyIntScore,
    uncleHeight: renderedInt(anyBigInt),
    orphan: fc.constantFrom(...GO_BOOLS),
    nonce: fieldText,
    hash: fieldText,
    timestamp: renderedInt(anyBigInt),
    difficulty: renderedInt(anyBigInt),
    shares: renderedInt(anyBigInt),
    reward: fieldText,
    extra: fc.array(anyText, { maxLength: 3 }),
  });

  it("reads any well-formed immature/matured member back", () => {
    fc.assert(
      fc.property(
        blockMember.chain((b) => scoreOf(b.height).map((score) => ({ b, score }))),
        ({ b, score }) => {
          const member = [
            b.uncleHeight.text,
            b.orphan,
            b.nonce,
            b.hash,
            b.timestamp.text,
            b.difficulty.text,
            b.shares.text,
            b.reward,
            ...b.extra,
          ].join(":");
          const { sink, skipped } = recordingSink();
          const rows = convertBlocks([member, score], sink);
          expect(skipped).toEqual([]);
          expect(rows).toEqual([
            {
              height: b.height === 0 ? 0 : b.height,
              timestamp: b.timestamp.value,
              difficulty: b.difficulty.value,
              shares: b.shares.value,
              uncle: b.uncleHeight.value > 0n,
              uncleHeight: b.uncleHeight.value,
              orphan: GO_BOOLS.indexOf(b.orphan) < 6,
              hash: b.hash,
              reward: b.reward,
              nonce: b.nonce,
            },
          ]);
        },
      ),
      RUNS,
    );
  });

  it("never throws on junk; rows + skipped = members", () => checkRowsOrSkips(convertBlocks));
});

describe("convertPayments properties", () => {
  it("reads any well-formed pool (tx:address:amount) or account (tx:amount) member back", () => {
    fc.assert(
      fc.property(
        anyIntScore.chain((t) => scoreOf(t).map((score) => ({ t, score }))),
        fieldText,
        fc.option(fieldText, { nil: undefined }),
        renderedInt(anyBigInt),
        ({ t, score }, tx, address, amount) => {
          const member = address === undefined ? `${tx}:${amount.text}` : `${tx}:${address}:${amount.text}`;
          const { sink, skipped } = recordingSink();
          const rows = convertPayments([member, score], sink);
          expect(skipped).toEqual([]);
          const timestamp = t === 0 ? 0 : t;
          expect(rows).toEqual([
            address === undefined
              ? { timestamp, tx, amount: amount.value }
              : { timestamp, tx, address, amount: amount.value },
          ]);
        },
      ),
      RUNS,
    );
  });

  it("never throws on junk; rows + skipped = members", () => checkRowsOrSkips(convertPayments));
});

// ---------------------------------------------------------------------------------------
// Hashrate: miners and workers against the reference's formulas

const NOW = 1_700_000_000;

interface Share {
  readonly diff: { value: bigint; text: string };
  readonly id: string;
  readonly worker: string;
  readonly score: number;
  readonly ms: number;
}

const share = fc.record({
  diff: renderedInt(anyBigInt),
  id: fc.constantFrom("0xaa", "0xbb", "rig1", "", "\u{1F600}", "0").chain((id) => fc.oneof(fc.constant(id), fieldText)),
  worker: fieldText,
  score: fc.oneof(
    fc.integer({ min: NOW - 25_000, max: NOW + 10 }),
    fc.constant(0),
    fc.integer({ min: -1000, max: 1000 }),
  ),
  ms: fc.nat(),
});

/** What the reference (§2.5, §2.6) says a group of shares gives, from first principles. */
function expectedGroup(shares: readonly Share[], recentFrom: number) {
  const scores = shares.map((s) => s.score).sort((a, b) => a - b);
  return {
    sum: shares.reduce((acc, s) => acc + s.diff.value, 0n),
    recentSum: shares.filter((s) => s.score >= recentFrom).reduce((acc, s) => acc + s.diff.value, 0n),
    shares: shares.length,
    recentShares: shares.filter((s) => s.score >= recentFrom).length,
    lastBeat: Math.max(0, ...scores),
    // Go's loop over ascending scores treats 0 as unset: the first non-zero score, else 0.
    startedAt: scores.find((s) => s !== 0) ?? 0,
  };
}

const rateOf = (sum: bigint, startedAt: number, window: number) =>
  sum / BigInt(Math.min(Math.max(NOW - startedAt, 600), window));

/** The ±1σ of a hashrate from `n` shares: 1/√n of it (none for a hashrate of 0 or below), the range around it. */
const uncertaintyOf = (hr: bigint, n: number) => {
  const relativeError = hr > 0n && n > 0 ? 1 / Math.sqrt(n) : null;
  return expect.objectContaining({
    shares: n,
    relativeError,
    low: relativeError === null ? hr : expect.toSatisfy((low: bigint) => low >= 0n && low <= hr),
    high: relativeError === null ? hr : expect.toSatisfy((high: bigint) => high >= hr && high <= 2n * hr),
  });
};

/** Shares in ZRANGE order (ascending score), as a flat reply. */
function replyOf(shares: readonly Share[], member: (s: Share) => string): string[] {
  return [...shares].sort((a, b) => a.score - b.score).flatMap((s) => [member(s), String(s.score)]);
}

function groupBy(shares: readonly Share[]): Map<string, Share[]> {
  const groups = new Map<string, Share[]>();
  for (const s of shares) groups.set(s.id, [...(groups.get(s.id) ?? []), s]);
  return groups;
}

describe("convertMinersStats properties", () => {
  it("gives every miner the reference's hr, lastBeat, offline, and the exact pool total", () => {
    fc.assert(
      fc.property(fc.array(share, { maxLength: 25 }), fc.integer({ min: 1, max: 4000 }), (shares, window) => {
        const reply = replyOf(shares, (s) => `${s.diff.text}:${s.id}:${s.worker}:${s.ms}`);
        const { sink, skipped } = recordingSink();
        const result = convertMinersStats(reply, NOW, window, sink);
        expect(skipped).toEqual([]);
        let total = 0n;
        const expected = new Map<string, unknown>();
        for (const [login, group] of groupBy(shares)) {
          const g = expectedGroup(group, Number.NEGATIVE_INFINITY);
          const hr = rateOf(g.sum, g.startedAt, window);
          total += hr;
          expected.set(login, {
            lastBeat: g.lastBeat,
            hr,
            offline: g.lastBeat < NOW - Math.floor(window / 2),
            startedAt: g.startedAt,
            hrUncertainty: uncertaintyOf(hr, g.shares),
          });
        }
        expect(new Map(result.miners)).toEqual(expected);
        expect(result.hashrate).toBe(total);
        expect(result.hashrateUncertainty.shares).toBe(shares.length);
      }),
      HEAVY,
    );
  });

  it("never throws on junk; each member is either aggregated or skipped, exactly once", () => {
    fc.assert(
      fc.property(junkReply, fc.integer({ min: 1, max: 4000 }), (reply, window) => {
        const { sink, skipped } = recordingSink();
        const whole = convertMinersStats(reply, NOW, window, sink);
        let perMemberSkips = 0;
        let accepted = 0;
        for (let i = 0; i < reply.length; i += 2) {
          const one = recordingSink();
          const groups = aggregateShares(reply.slice(i, i + 2), Number.NEGATIVE_INFINITY, one.sink);
          expect(groups.size + one.skipped.length).toBe(1);
          perMemberSkips += one.skipped.length;
          accepted += groups.size;
        }
        expect(skipped.length).toBe(perMemberSkips);
        expect(accepted + skipped.length).toBe(reply.length / 2);
        expect(whole.miners.size).toBeLessThanOrEqual(accepted);
      }),
      RUNS,
    );
  });
});

describe("convertWorkersStats properties", () => {
  it("gives every worker the reference's hr, hr2, lastBeat, offline and the account totals", () => {
    fc.assert(
      fc.property(
        fc.array(share, { maxLength: 25 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (shares, small, extra) => {
          const large = small + extra;
          const reply = replyOf(shares, (s) => `${s.diff.text}:${s.id}:${s.ms}`);
          const { sink, skipped } = recordingSink();
          const result = convertWorkersStats(reply, NOW, small, large, sink);
          expect(skipped).toEqual([]);
          let current = 0n;
          let long = 0n;
          let online = 0;
          const expected = new Map<string, unknown>();
          for (const [id, group] of groupBy(shares)) {
            const g = expectedGroup(group, NOW - small);
            const hr = rateOf(g.recentSum, g.startedAt, small);
            const hr2 = rateOf(g.sum, g.startedAt, large);
            const offline = g.lastBeat < NOW - Math.floor(small / 2);
            current += hr;
            long += hr2;
            if (!offline) online++;
            expected.set(id, {
              lastBeat: g.lastBeat,
              hr,
              offline,
              hr2,
              startedAt: g.startedAt,
              hrUncertainty: uncertaintyOf(hr, g.recentShares),
              hr2Uncertainty: uncertaintyOf(hr2, g.shares),
            });
          }
          expect(new Map(result.workers)).toEqual(expected);
          expect(result).toMatchObject({
            currentHashrate: current,
            hashrate: long,
            workersTotal: expected.size,
            workersOnline: online,
            workersOffline: expected.size - online,
          });
        },
      ),
      HEAVY,
    );
  });

  it("never throws on junk; skipped + aggregated = members", () => {
    fc.assert(
      fc.property(junkReply, (reply) => {
        const { sink, skipped } = recordingSink();
        const result = convertWorkersStats(reply, NOW, 1800, 10800, sink);
        expect(result.workersOnline + result.workersOffline).toBe(result.workersTotal);
        expect(result.workersTotal + skipped.length).toBeLessThanOrEqual(reply.length / 2);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Hashes: convertStringMap and convertNodeStates

describe("convertStringMap properties", () => {
  it("turns int64 values (any rendering) into bigint and keeps everything else verbatim", () => {
    const value = fc.oneof(
      renderedInt(anyBigInt).map(({ value, text }) => ({
        text,
        int: value >= -TWO_POW_63 && value < TWO_POW_63 ? value : undefined,
      })),
      anyText.map((text) => ({ text, int: /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined })),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(anyText, value), { selector: ([field]) => field, maxLength: 15 }),
        (pairs) => {
          const map = convertStringMap(pairs.map(([field, v]) => [field, v.text] as const));
          expect(map.size).toBe(pairs.length);
          for (const [field, v] of pairs) {
            const int = v.int !== undefined && v.int >= -TWO_POW_63 && v.int < TWO_POW_63 ? v.int : undefined;
            expect(map.get(field)).toBe(int ?? v.text);
          }
        },
      ),
      RUNS,
    );
  });
});

describe("convertNodeStates properties", () => {
  it("groups any <node>:<attribute> fields by node (ids may hold ':'), sorted by UTF-8 bytes", () => {
    const utf8 = (s: string) => Buffer.from(s, "utf8");
    fc.assert(
      fc.property(
        // Valid Unicode ids: a lone surrogate has no UTF-8 form to order by.
        fc.uniqueArray(fc.tuple(validText, fieldText, anyText), {
          selector: ([id, attribute]) => `${id}:${attribute}`,
          maxLength: 15,
        }),
        (triples) => {
          const { sink, skipped } = recordingSink();
          const nodes = convertNodeStates(
            triples.map(([id, attribute, value]) => [`${id}:${attribute}`, value] as const),
            sink,
          );
          expect(skipped).toEqual([]);
          const ids = [...new Set(triples.map(([id]) => id))];
          expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(ids));
          for (let i = 1; i < nodes.length; i++) {
            expect(
              Buffer.compare(utf8((nodes[i - 1] as { id: string }).id), utf8((nodes[i] as { id: string }).id)),
            ).toBeLessThanOrEqual(0);
          }
          for (const [id, attribute, value] of triples) {
            expect(nodes.find((n) => n.id === id)?.fields.get(attribute)).toBe(value);
          }
        },
      ),
      RUNS,
    );
  });

  it("never throws on junk fields; attributes + skipped = fields", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(junkMember, anyText), { selector: ([field]) => field, maxLength: 15 }),
        (pairs) => {
          const { sink, skipped } = recordingSink();
          const nodes = convertNodeStates(pairs, sink);
          const attributes = nodes.reduce((n, node) => n + node.fields.size, 0);
          expect(attributes + skipped.length).toBe(pairs.length);
          expect(skipped.every(([, reason]) => reason === "too-few-fields")).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Luck

const blockRow: fc.Arbitrary<BlockRow> = fc.record({
  height: fc.nat(),
  timestamp: fc.constant(0n),
  difficulty: anyBigInt,
  shares: anyBigInt,
  uncle: fc.boolean(),
  uncleHeight: fc.constant(0n),
  orphan: fc.boolean(),
  hash: fc.constant("0x0"),
  reward: fc.constant("0"),
  nonce: fc.constant("0x0"),
});

describe("convertLuck properties", () => {
  it("matches the reference's means over well-formed blocks (positive int64 difficulty)", () => {
    const wellFormed = blockRow.map((b) => ({
      ...b,
      difficulty: (b.difficulty < 0n ? -b.difficulty : b.difficulty) % TWO_POW_63 || 1n,
      shares: b.shares % TWO_POW_63,
    }));
    fc.assert(
      fc.property(
        fc.array(wellFormed, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (blocks, windows) => {
          const rows = convertLuck(blocks, windows);
          const expected = new Map<string, unknown>();
          for (const w of [...windows].sort((a, b) => a - b)) {
            const taken = blocks.slice(0, w);
            const n = taken.length;
            const luck = taken.reduce((acc, b) => acc + Number(b.shares) / Number(b.difficulty), 0);
            expected.set(String(n), {
              luck: n === 0 ? 0 : luck / n,
              uncleRate: n === 0 ? 0 : taken.filter((b) => b.uncle).length / n,
              orphanRate: n === 0 ? 0 : taken.filter((b) => b.orphan).length / n,
              blocks: n,
              // A probability, or none without blocks (or for a negative share sum, junk).
              probability: n === 0 || luck < 0 ? null : expect.toSatisfy((p: number) => p >= 0 && p <= 1),
            });
            if (n < w) break;
          }
          expect(rows).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it("never throws and always encodes, whatever the numbers (zero, negative, beyond float64)", () => {
    const wildInt = fc.oneof(fc.constant(0n), anyBigInt, fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }));
    const wild = fc
      .tuple(blockRow, wildInt, wildInt)
      .map(([b, shares, difficulty]): BlockRow => ({ ...b, shares, difficulty }));
    fc.assert(
      fc.property(
        fc.array(wild, { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }),
        (blocks, windows) => {
          const rows = convertLuck(blocks, windows);
          expect(rows.size).toBeGreaterThan(0);
          expect(rows.size).toBeLessThanOrEqual(windows.length);
          for (const row of rows.values()) {
            expect(Number.isFinite(row.luck)).toBe(true);
            expect(row.uncleRate).toBeGreaterThanOrEqual(0);
            expect(row.uncleRate).toBeLessThanOrEqual(1);
            expect(row.orphanRate).toBeGreaterThanOrEqual(0);
            expect(row.orphanRate).toBeLessThanOrEqual(1);
          }
          expect(() => toGoJson(luckToGo(rows))).not.toThrow();
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Reply shapes

describe("reply shape normalizers", () => {
  // What an ioredis client can hand back for these commands, well-formed or not: null,
  // scalars, (nested) arrays of scalars, objects and Maps of scalars (RESP3 mappings).
  const scalar = fc.oneof(anyText, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
  const replyShape = fc.oneof(
    scalar,
    fc.array(fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxLength: 8 }),
    fc.dictionary(anyText, scalar, { maxKeys: 5 }),
    fc.array(fc.tuple(anyText, scalar), { maxLength: 5 }).map((entries) => new Map(entries)),
  );

  it("toZsetWithScores and toHashEntries never throw on any reply shape", () => {
    fc.assert(
      fc.property(replyShape, (reply) => {
        const zset = toZsetWithScores(reply);
        if (zset !== undefined) expect(zset.length % 2).toBe(0);
        const hash = toHashEntries(reply);
        if (hash !== undefined)
          expect(hash.every(([k, v]) => typeof k === "string" && typeof v === "string")).toBe(true);
      }),
      RUNS,
    );
  });

  it("the RESP3 [member, score][] form flattens to the legacy form", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, fc.double({ noNaN: true }))), (pairs) => {
        expect(toZsetWithScores(pairs)).toEqual(pairs.length === 0 ? [] : pairs.flat());
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Durations

/** Go's units in ns, with the most fraction digits whose value stays an exact integer of ns. */
const UNITS = [
  { names: ["ns"], ns: 1n, exactDigits: 0 },
  { names: ["us", "\u00b5s", "\u03bcs"], ns: 1_000n, exactDigits: 3 },
  { names: ["ms"], ns: 1_000_000n, exactDigits: 6 },
  { names: ["s"], ns: 1_000_000_000n, exactDigits: 9 },
  { names: ["m"], ns: 60_000_000_000n, exactDigits: 10 },
  { names: ["h"], ns: 3_600_000_000_000n, exactDigits: 11 },
] as const;

const DIGIT = fc.constantFrom("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

/** One `<int>[.<frac>]<unit>` part with its exact value in ns. */
const durationPart = fc
  .record({
    unit: fc.constantFrom(...UNITS),
    int: fc.bigInt({ min: 0n, max: 100_000n }),
    zeros: fc.integer({ min: 0, max: 2 }),
    name: fc.nat(),
    frac: fc.option(fc.string({ unit: DIGIT, maxLength: 11 }), { nil: undefined }),
  })
  .map(({ unit, int, zeros, name, frac: rawFrac }) => {
    const frac = rawFrac?.slice(0, unit.exactDigits);
    // ".5s" has no integer digits; "0.s" has no fraction digits; both are Go syntax.
    const intText = int === 0n && frac && zeros === 0 ? "" : `${"0".repeat(zeros)}${int}`;
    const fracNs = frac ? (BigInt(frac) * unit.ns) / 10n ** BigInt(frac.length) : 0n;
    const unitName = unit.names[name % unit.names.length] as string;
    return { text: `${intText}${frac === undefined ? "" : `.${frac}`}${unitName}`, ns: int * unit.ns + fracNs };
  });

describe("parseDuration properties", () => {
  it("parses any Go duration string built from h/m/s/ms/us/µs/ns parts and fractions to the exact ns", () => {
    fc.assert(
      fc.property(
        fc.array(durationPart, { minLength: 1, maxLength: 6 }),
        fc.constantFrom("", "+", "-"),
        (parts, sign) => {
          const text = sign + parts.map((p) => p.text).join("");
          const ns = parts.reduce((acc, p) => acc + p.ns, 0n);
          if (sign === "-" && ns > 0n) {
            expect(() => parseGoDurationNs(text)).toThrow(InvalidDurationError);
            return;
          }
          expect(parseGoDurationNs(text)).toBe(ns);
          expect(durationSeconds(text)).toBe(Number(ns / 1_000_000_000n));
          // Milliseconds are a double: equal to the exact value up to its rounding.
          const ms = Number(ns) / 1e6;
          expect(Math.abs(parseDuration(text) - ms)).toBeLessThanOrEqual(ms * 2 ** -50);
        },
      ),
      RUNS,
    );
  });
  // Garbage strings and arbitrary numbers: test/faults/converter-fuzz.test.ts, 10,000 each.
});
