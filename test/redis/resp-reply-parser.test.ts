import { describe, expect, it } from "vitest";
import {
  type ExpectedReply,
  type ParsedReply,
  ReplyTooLargeError,
  RespProtocolError,
  RespReplyParser,
  type WithScoresPairSink,
} from "../../src/redis/resp-reply-parser.js";

/** Collects pairs as strings (member bytes as hex, so no decoding hides a byte). */
function collector(): WithScoresPairSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    pair(bytes, ms, me, ss, se) {
      seen.push(
        `${Buffer.from(bytes.subarray(ms, me)).toString("hex")}@${Buffer.from(bytes.subarray(ss, se)).toString("latin1")}`,
      );
    },
  };
}

function withScores(pairs: readonly (readonly [Buffer | string, string])[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${pairs.length * 2}\r\n`)];
  for (const [member, score] of pairs) {
    const m = Buffer.isBuffer(member) ? member : Buffer.from(member);
    parts.push(Buffer.from(`$${m.length}\r\n`), m, Buffer.from(`\r\n$${Buffer.byteLength(score)}\r\n${score}\r\n`));
  }
  return Buffer.concat(parts);
}

const expectedOf = (pairs: readonly (readonly [Buffer | string, string])[]): string[] =>
  pairs.map(([m, s]) => `${(Buffer.isBuffer(m) ? m : Buffer.from(m)).toString("hex")}@${s}`);

/** Feeds `bytes` cut at `cuts`, expecting `plan` replies in order. */
function feedCut(bytes: Buffer, cuts: readonly number[], plan: readonly ExpectedReply[], max = 1 << 20): ParsedReply[] {
  const parser = new RespReplyParser(max);
  const done: ParsedReply[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= from) continue;
    done.push(...parser.feed(bytes.subarray(from, cut), (i) => plan[done.length + i]));
    from = cut;
  }
  expect(parser.midReply).toBe(false);
  return done;
}

const PAIRS: [Buffer | string, string][] = [
  ["2000000000:0xabc:w1:1700000000000", "1700000000"],
  ["", "-inf"], // an empty member
  [Buffer.from([0x32, 0x3a, 0xff, 0xfe, 0x0d, 0x0a, 0x3a, 0x77]), "1e3"], // CR LF inside a member
  ["x".repeat(300), "1700000000.5"],
  ["12:é:w", "inf"],
];

describe("RespReplyParser", () => {
  it("hands WITHSCORES pairs over as byte ranges, cut into two chunks at every byte", () => {
    const bytes = Buffer.concat([withScores(PAIRS), Buffer.from("+PONG\r\n")]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const sink = collector();
      const replies = feedCut(bytes, [cut], [{ pairs: sink }, { pairs: undefined }]);
      expect(replies, `cut at ${cut}`).toEqual([
        { ok: true, value: PAIRS.length },
        { ok: true, value: "PONG" },
      ]);
      expect(sink.seen, `cut at ${cut}`).toEqual(expectedOf(PAIRS));
    }
  });

  it("hands the members of a reply without scores over one by one, cut at every byte", () => {
    const members = PAIRS.map(([member]) => (Buffer.isBuffer(member) ? member : Buffer.from(member)));
    const parts: Buffer[] = [Buffer.from(`*${members.length}\r\n`)];
    for (const m of members) parts.push(Buffer.from(`$${m.length}\r\n`), m, Buffer.from("\r\n"));
    const bytes = Buffer.concat([...parts, Buffer.from("*0\r\n")]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const seen: string[] = [];
      const sink = {
        member: (b: Uint8Array, s: number, e: number) => seen.push(Buffer.from(b.subarray(s, e)).toString("hex")),
      };
      const replies = feedCut(bytes, [cut], [{ members: sink }, { members: sink }]);
      expect(replies, `cut at ${cut}`).toEqual([
        { ok: true, value: members.length },
        { ok: true, value: 0 },
      ]);
      expect(seen, `cut at ${cut}`).toEqual(members.map((m) => m.toString("hex")));
    }
  });

  it("survives a reply fed one byte at a time, and three cuts at random places", () => {
    const bytes = withScores(PAIRS);
    const sink = collector();
    const every = Array.from({ length: bytes.length }, (_, i) => i);
    expect(feedCut(bytes, every, [{ pairs: sink }])).toEqual([{ ok: true, value: PAIRS.length }]);
    expect(sink.seen).toEqual(expectedOf(PAIRS));
    for (let run = 0; run < 200; run++) {
      const cuts = [0, 0, 0].map(() => Math.floor(Math.random() * bytes.length)).sort((a, b) => a - b);
      const again = collector();
      feedCut(bytes, cuts, [{ pairs: again }]);
      expect(again.seen, `cuts ${cuts.join(",")}`).toEqual(expectedOf(PAIRS));
    }
  });

  it("reads several replies in one chunk, in order, each to its own sink", () => {
    const a = collector();
    const b = collector();
    const bytes = Buffer.concat([withScores(PAIRS.slice(0, 2)), withScores([]), withScores(PAIRS.slice(2))]);
    const replies = feedCut(bytes, [], [{ pairs: a }, { pairs: collector() }, { pairs: b }]);
    expect(replies.map((r) => (r.ok ? r.value : r.error))).toEqual([2, 0, 3]);
    expect(a.seen).toEqual(expectedOf(PAIRS.slice(0, 2)));
    expect(b.seen).toEqual(expectedOf(PAIRS.slice(2)));
  });

  it("gives Redis's error reply (WRONGTYPE) in place of a WITHSCORES reply, and a nil array as empty", () => {
    const text = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n*-1\r\n";
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const replies = feedCut(bytes, [cut], [{ pairs: collector() }, { pairs: collector() }]);
      expect(replies[0]?.ok).toBe(false);
      expect(replies[0]?.ok === false && replies[0].error.message).toBe(
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      );
      expect(replies[1]).toEqual({ ok: true, value: 0 });
    }
  });

  it("parses plain values: status, integer, bulk, nil, nested arrays, errors inside arrays", () => {
    const bytes = Buffer.from("+OK\r\n:-42\r\n$5\r\nhello\r\n$-1\r\n*3\r\n:1\r\n*1\r\n$1\r\na\r\n-ERR inner\r\n");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const plan = Array.from({ length: 5 }, () => ({ pairs: undefined }));
      const replies = feedCut(bytes, [cut], plan);
      expect(replies.slice(0, 4)).toEqual([
        { ok: true, value: "OK" },
        { ok: true, value: -42 },
        { ok: true, value: "hello" },
        { ok: true, value: null },
      ]);
      const nested = replies[4] as { ok: true; value: unknown[] };
      expect(nested.value.slice(0, 2)).toEqual([1, ["a"]]);
      expect((nested.value[2] as Error).message).toBe("ERR inner");
    }
  });

  it("refuses what is not RESP2, or not a WITHSCORES reply, with a protocol error", () => {
    const cases: [string, ExpectedReply][] = [
      ["?what\r\n", { pairs: undefined }],
      ["*3\r\n", { pairs: collector() }], // odd element count
      ["*2\r\n:1\r\n:2\r\n", { pairs: collector() }], // integers, not bulk strings
      ["*2\r\n$-1\r\n$1\r\n1\r\n", { pairs: collector() }], // a nil member
      ["*2\r\n$1x\r\na\r\n$1\r\n1\r\n", { pairs: collector() }],
      ["*2\r\n$1\r\nab\r\n$1\r\n1\r\n", { pairs: collector() }], // length that lies
      ["$3\r\nabc\r\n", { pairs: collector() }], // a bulk string where an array belongs
      [`*${"9".repeat(40)}`, { pairs: collector() }], // a header line that never ends
    ];
    for (const [text, expected] of cases) {
      const parser = new RespReplyParser(1 << 20);
      expect(() => parser.feed(Buffer.from(text), () => expected), text).toThrow(RespProtocolError);
    }
    expect(() => new RespReplyParser(100).feed(Buffer.from("+OK\r\n"), () => undefined)).toThrow(RespProtocolError);
  });

  it("refuses a reply above its byte bound, complete or still arriving", () => {
    const bytes = withScores(Array.from({ length: 100 }, (_, i) => [`member-${i}`, String(i)] as const));
    expect(() => new RespReplyParser(bytes.length - 10).feed(bytes, () => ({ pairs: collector() }))).toThrow(
      ReplyTooLargeError,
    );
    const parser = new RespReplyParser(200);
    expect(() => {
      for (let i = 0; i < bytes.length; i += 64) parser.feed(bytes.subarray(i, i + 64), () => ({ pairs: collector() }));
    }).toThrow(ReplyTooLargeError);
    // One huge element: refused from its header, before its bytes arrive.
    const huge = new RespReplyParser(1000);
    expect(() => huge.feed(Buffer.from("*2\r\n$5000\r\nabc"), () => ({ pairs: collector() }))).toThrow(
      ReplyTooLargeError,
    );
    expect(() => huge.feed(Buffer.from("$5000\r\nabc"), () => ({ pairs: undefined }))).toThrow(ReplyTooLargeError);
    // Exactly at the bound is fine.
    expect(new RespReplyParser(bytes.length).feed(bytes, () => ({ pairs: collector() }))).toEqual([
      { ok: true, value: 100 },
    ]);
  });
});
