import { describe, expect, it } from "vitest";
import { type Slice, SliceCursor } from "../../src/redis/range-reader.js";

/** The slices a cursor plans from `from` to `nowS` when every slice comes back with `count` members. */
function plan(from: number, nowS: number, chunk: number, remaining: number, count: number): Slice[] {
  const cursor = new SliceCursor("k", from, nowS, chunk);
  cursor.startSlices(remaining);
  const slices: Slice[] = [];
  for (let slice = cursor.next(); slice !== undefined && slice.kind === "slice"; slice = cursor.next()) {
    slices.push(slice);
    cursor.acceptCount(slice, count);
  }
  return slices;
}

describe("SliceCursor's reads a second at a time", () => {
  it("splits a dense slice into one read per integer second, the first from the slice's own bound", () => {
    const [first, second] = plan(1000, 1010, 1000, 5000, 1000); // 500 per second: 2 s slices
    expect(first?.command).toEqual(["zrange", "k", "1000", "(1002", "BYSCORE", "WITHSCORES"]);
    expect(first?.bySecond).toEqual([
      { command: ["zrange", "k", "1000", "(1001", "BYSCORE"], second: 1000 },
      { command: ["zrange", "k", "1001", "(1002", "BYSCORE"], second: 1001 },
    ]);
    expect(second?.bySecond?.map((read) => read.second)).toEqual([1002, 1003]);
  });

  it("keeps a fractional or exclusive lower bound in the first read of its second", () => {
    const page = (scores: readonly string[]) => scores.flatMap((score, i) => [`m${i}`, score]);
    const cursor = new SliceCursor("k", 1000, 1010, 200);
    // A full page ending at 1003.5 moves the lower bound there.
    cursor.takePage(page([...Array<string>(198).fill("1000"), "1003.5", "1003.5"]));
    cursor.startSlices(100_000);
    const slice = cursor.next() as Slice;
    expect(slice.command[2]).toBe("1003.5");
    // (13,000 a second against chunks of 200: that second is read in LIMIT pages.)
    expect(slice.bySecond?.[0]).toEqual({
      command: ["zrange", "k", "1003.5", "(1004", "BYSCORE", "LIMIT", 0, 200],
      second: 1003,
    });
    // One score filling a page: read whole (by its exact score), then on from "(score".
    const crowded = new SliceCursor("k", 1000, 1010, 200);
    crowded.takePage(page(Array<string>(200).fill("1004.25")));
    crowded.startSlices(100_000);
    const whole = crowded.next() as Slice;
    expect(whole.kind).toBe("score");
    expect(whole.bySecond).toEqual([{ command: ["zrange", "k", "1004.25", "1004.25", "BYSCORE"], second: 1004 }]);
    const after = crowded.next() as Slice;
    expect(after.command[2]).toBe("(1004.25");
    expect(after.bySecond?.[0]?.command[2]).toBe("(1004.25");
  });

  it("reads with WITHSCORES where seconds are sparse, below 0, or beyond 2^53", () => {
    expect(plan(1000, 2800, 2500, 100_000, 2500)[0]?.bySecond).toBeUndefined(); // 55 per second
    expect(plan(-5, 5, 1000, 10_000, 1000)[0]?.bySecond).toBeUndefined(); // int64(-0.5) is 0, not -1
    const negative = new SliceCursor("k", -10, 10, 2);
    negative.takePage(["a", "-3.5", "b", "-3.5"]);
    expect(negative.next()?.bySecond).toEqual([{ command: ["zrange", "k", "-3.5", "-3.5", "BYSCORE"], second: -3 }]);
    const huge = new SliceCursor("k", 0, 2 ** 60, 2);
    huge.takePage(["a", "1e300", "b", "1e300"]);
    const unusable = huge.next() as Slice;
    expect(unusable.kind).toBe("score");
    expect(unusable.bySecond).toBeUndefined(); // a bad score: WITHSCORES, so the reports keep its text
  });

  it("reads a second denser than a chunk in LIMIT pages, and on past them when they all come back full", () => {
    const cursor = new SliceCursor("k", 1000, 1010, 1000);
    cursor.startSlices(35_000); // 3,182 a second
    const first = cursor.next() as Slice;
    expect(first.paged).toEqual({ from: "1000", second: 1000, offset: 0, pages: 4 });
    expect(first.bySecond?.map((read) => read.command.slice(5))).toEqual([
      ["LIMIT", 0, 1000],
      ["LIMIT", 1000, 1000],
      ["LIMIT", 2000, 1000],
      ["LIMIT", 3000, 1000],
    ]);
    // Through ioredis, the same members in one command.
    expect(first.command).toEqual(["zrange", "k", "1000", "(1001", "BYSCORE", "LIMIT", 0, 4000, "WITHSCORES"]);
    const second = cursor.next() as Slice;
    expect(second.paged?.second).toBe(1001);
    // The first second filled all four pages: it is read on from 4,000 before anything else.
    cursor.acceptCount(first, 4000);
    const more = cursor.next() as Slice;
    expect(more.paged).toMatchObject({ second: 1000, offset: 4000, pages: 4 });
    expect(more.bySecond?.[0]?.command.slice(5)).toEqual(["LIMIT", 4000, 1000]);
    // A short last page ends that second; the walk goes on where it was.
    cursor.acceptCount(more, 10);
    expect((cursor.next() as Slice).paged?.second).toBe(1002);
  });
});
