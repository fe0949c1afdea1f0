import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScore } from "../../src/go/score.js";
import type { MalformedReason } from "../../src/model/malformed.js";
import { RespReplyParser } from "../../src/redis/resp-reply-parser.js";
import { ShareReplyDecoder } from "../../src/window/share-reply-decoder.js";
import { ShareWindow } from "../../src/window/share-window.js";

type Pair = readonly [member: Uint8Array, score: string];

/** The RESP2 bytes Redis sends for these pairs (a WITHSCORES array). */
function respOf(pairs: readonly Pair[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${pairs.length * 2}\r\n`)];
  for (const [member, score] of pairs) {
    parts.push(Buffer.from(`$${member.length}\r\n`), Buffer.from(member), Buffer.from(`\r\n$${score.length}\r\n`));
    parts.push(Buffer.from(score, "latin1"), Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

interface Outcome {
  readonly window: ShareWindow;
  readonly reports: [string, MalformedReason][];
}

/** The reference: what ioredis hands over (UTF-8 strings) through `addReply`. */
function viaStrings(replies: readonly (readonly Pair[])[]): Outcome {
  const window = new ShareWindow();
  const reports: [string, MalformedReason][] = [];
  for (const pairs of replies) {
    const flat = pairs.flatMap(([member, score]) => [Buffer.from(member).toString("utf8"), score]);
    window.addReply(flat, (member, reason) => reports.push([member, reason]));
  }
  return { window, reports };
}

/** The byte path: RESP bytes, cut into chunks at `cuts`, through the parser and one decoder. */
function viaBytes(replies: readonly (readonly Pair[])[], cuts: readonly number[]): Outcome {
  const window = new ShareWindow();
  const reports: [string, MalformedReason][] = [];
  const decoder = new ShareReplyDecoder();
  const parser = new RespReplyParser(1 << 24);
  const bytes = Buffer.concat(replies.map(respOf));
  const sink = decoder.into(window.sink((member, reason) => reports.push([member, reason])));
  let from = 0;
  for (const cut of [...[...cuts].sort((a, b) => a - b), bytes.length]) {
    const to = Math.min(cut, bytes.length);
    if (to > from) parser.feed(bytes.subarray(from, to), () => ({ pairs: sink }));
    from = Math.max(from, to);
  }
  expect(parser.midReply).toBe(false);
  return { window, reports };
}

/** Everything a window exposes, phantoms' seconds included (counted as the window slides). */
function summary({ window, reports }: Outcome) {
  const slid: number[] = [];
  const copy = { count: window.count, malformed: window.malformedCount, entries: window.entries, size: window.size };
  const aggregates = window.aggregates();
  for (const cutoff of [-1e19, -1, 0, 1, 999, 1000, 1700000000, 1700000001, 1e18, 1e300]) {
    window.trim(cutoff, Number.POSITIVE_INFINITY);
    slid.push(window.count);
  }
  return { ...copy, aggregates, reports, slid };
}

const text = (s: string): Uint8Array => Buffer.from(s, "utf8");

const DIFFS = [
  "2000000000",
  "2000000000",
  "1",
  "0",
  "-0",
  "+5",
  "-7",
  "00012",
  "999999999999999",
  "9999999999999999",
  "9007199254740993",
  "-9007199254740993",
  "9".repeat(30),
  `-${"0".repeat(20)}5`,
  "",
  "+",
  "-",
  "abc",
  "1e3",
  "1.5",
  " 5",
  "٣",
  "0x10",
];
const SCORES = [
  "1700000000",
  "1700000000",
  "1699999999",
  "0",
  "-0",
  "00017",
  "inf",
  "-inf",
  "+inf",
  "INF",
  "1e3",
  "1700000000.5",
  "-1700000000.5",
  "-1",
  "999999999999999",
  "9999999999999999",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "1e19",
  "nan",
  "",
  "abc",
  "  5",
  "0x10",
  ".5",
  "5.",
  "1E+2",
];
const LOGIN_BYTES: Uint8Array[] = [
  text(`0x${"ab".repeat(20)}`),
  text(`0x${"cd".repeat(20)}`),
  text("0xABCDEF"),
  text(""),
  text("é-miner"),
  text("😀"),
  Uint8Array.from([0xff, 0xfe]),
  Uint8Array.from([0xe2, 0x82]), // a truncated sequence, cut by the next ':'
  Uint8Array.from([0xf0, 0x9f, 0x98]),
  Uint8Array.from([0xc0, 0xaf]), // an overlong '/'
  Uint8Array.from([0xed, 0xa0, 0x80]), // a surrogate
  text("a\r\nb"),
  text("0xab"), // prefixes of one another: a guessed length must not cut a longer login
  text("0xabc"),
  text("0xabcd"),
  text(`0x${"ab".repeat(19)}ab`),
  text(`0x${"ab".repeat(19)}abX`),
  text("$3\r\n"),
];

const member = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...DIFFS), fc.constantFrom(...LOGIN_BYTES), fc.nat(9), fc.nat()) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(fc.constant(58), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
  },
);
const memberBytes = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value) && typeof value[0] === "string") {
    const [diff, login, worker, ms] = value as [string, Uint8Array, number, number];
    const tail = worker === 9 ? "" : `:w${worker}:${ms}`; // some with two fields only
    return Buffer.concat([text(`${diff}:`), login, text(tail)]);
  }
  return Uint8Array.from(value as number[]);
};
const score = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SCORES) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 1699990000, max: 1700001000 }).map(String) },
);
const pairArb = fc.tuple(member.map(memberBytes), score) as fc.Arbitrary<Pair>;
const replies = fc.array(fc.array(pairArb, { maxLength: 40 }), { minLength: 1, maxLength: 4 });

describe("ShareReplyDecoder, against ShareWindow.addReply", () => {
  it("gives identical windows and malformed reports for random and hostile members, however the bytes are cut", () => {
    fc.assert(
      fc.property(replies, fc.array(fc.nat(20_000), { maxLength: 6 }), (batch, cuts) => {
        expect(summary(viaBytes(batch, cuts))).toEqual(summary(viaStrings(batch)));
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same through member() with the integer score known (reads of one second)", () => {
    fc.assert(
      fc.property(replies, (batch) => {
        const window = new ShareWindow();
        const reports: [string, MalformedReason][] = [];
        const decoder = new ShareReplyDecoder().into(window.sink((member, reason) => reports.push([member, reason])));
        for (const pairs of batch) {
          for (const [member, score] of pairs) {
            const second = parseScore(score);
            const bytes = Buffer.concat([Buffer.from("xx"), member, Buffer.from(score)]); // not at offset 0
            if (second === undefined) decoder.pair(bytes, 2, 2 + member.length, 2 + member.length, bytes.length);
            else decoder.member(bytes, 2, 2 + member.length, second);
          }
        }
        expect(summary({ window, reports })).toEqual(summary(viaStrings(batch)));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees at every chunk boundary of one reply with every kind of member", () => {
    const pairs: Pair[] = [];
    DIFFS.forEach((diff, i) => {
      const login = LOGIN_BYTES[i % LOGIN_BYTES.length] as Uint8Array;
      pairs.push([Buffer.concat([text(`${diff}:`), login, text(`:w${i}:17`)]), SCORES[i % SCORES.length] as string]);
    });
    pairs.push([text("no-colon"), "1700000000"], [text(""), "1700000000"], [text(":"), "5"], [text("5::"), "6"]);
    const reference = summary(viaStrings([pairs]));
    const length = respOf(pairs).length;
    for (let cut = 0; cut <= length; cut++) {
      expect(summary(viaBytes([pairs], [cut])), `cut at ${cut}`).toEqual(reference);
    }
  });

  it("starts its login table over past its bound, and still counts every share", () => {
    const pairs: Pair[] = [];
    for (let i = 0; i < 300; i++)
      pairs.push([text(`2000000000:0x${(i % 50).toString(16)}:w:1`), String(1700000000 + i)]);
    const window = new ShareWindow();
    const decoder = new ShareReplyDecoder(7).into(window.sink(() => {}));
    new RespReplyParser(1 << 20).feed(respOf(pairs), () => ({ pairs: decoder }));
    expect(decoder.logins).toBeLessThanOrEqual(7);
    expect(summary({ window, reports: [] })).toEqual(summary(viaStrings([pairs])));
  });

  it("interns each login once however many members and replies carry it", () => {
    const window = new ShareWindow();
    const decoder = new ShareReplyDecoder().into(window.sink(() => {}));
    const logins = Array.from({ length: 5000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
    const pairs: Pair[] = [];
    for (let round = 0; round < 3; round++) {
      for (const login of logins) pairs.push([text(`2000000000:${login}:w:1`), String(1700000000 + round)]);
    }
    new RespReplyParser(1 << 26).feed(respOf(pairs), () => ({ pairs: decoder }));
    expect(decoder.logins).toBe(5000);
    expect(window.size).toBe(5000);
    expect(window.count).toBe(15000);
    const first = window.aggregates().get(logins[0] as string);
    expect(first).toMatchObject({ sum: 6000000000n, shares: 3, lastBeat: 1700000002 });
  });
});
