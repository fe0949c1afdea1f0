import { brotliDecompressSync, gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GoJsonValue } from "../../src/go/json.js";
import { CompressionQueue } from "../../src/http/compression-queue.js";
import { type BodyFields, SharedBody, slot } from "../../src/http/shared-body.js";

const text = (bytes: readonly Buffer[]): string => Buffer.concat(bytes).toString();

/** A field value: short or long text (long enough to need several stored blocks), numbers, maps. */
const value: fc.Arbitrary<GoJsonValue> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 4000 }).map((s) => s.repeat(30)), // up to ~120 KB
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.boolean(),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 200 })).map((o) => new Map(Object.entries(o))),
);

describe("SharedBody: compressed once, spliced around per-request parts", () => {
  it("decodes (gzip and brotli) to exactly the identity bytes, for random bodies and per-request parts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), value, fc.boolean()), {
          minLength: 1,
          maxLength: 6,
          selector: ([key]) => key,
        }),
        fc.array(fc.integer({ min: 0, max: 140_000 }), { minLength: 6, maxLength: 6 }),
        async (entries, sizes) => {
          const fields: BodyFields<string> = entries.map(([key, v, live], i) => [key, live ? slot(`s${i}`) : v]);
          const values: Record<string, Buffer> = {};
          entries.forEach(([, , live], i) => {
            if (live) values[`s${i}`] = Buffer.alloc(sizes[i] ?? 0, `"${i}x`);
          });
          const body = SharedBody.goMap(fields, new CompressionQueue());
          await body.ready();
          const identity = text(body.identity(values));
          const gzip = body.encoded("gzip", values);
          if (gzip !== undefined) expect(gunzipSync(Buffer.concat(gzip)).toString()).toBe(identity);
          const br = body.encoded("br", values);
          if (br !== undefined) expect(brotliDecompressSync(Buffer.concat(br)).toString()).toBe(identity);
          if (body.staticLength >= 1024) expect(gzip).toBeDefined(); // every body worth it has gzip
        },
      ),
      { numRuns: 60 },
    );
  });

  it("prints a Go map: keys in byte order whatever the field order, slots in place", () => {
    const body = SharedBody.goMap(
      [
        ["stats", new Map([["b", 1n]])],
        ["now", slot("now")],
        ["hashrate", 5n],
        ["nodes", slot("nodes")],
      ],
      new CompressionQueue(),
    );
    expect(text(body.identity({ now: Buffer.from("17"), nodes: Buffer.from("[]") }))).toBe(
      '{"hashrate":5,"nodes":[],"now":17,"stats":{"b":1}}\n',
    );
    expect(body.etag()).toBeUndefined(); // the bytes change per request
  });

  it("brotli is offered only where the shared prefix is most of the body; small bodies are never compressed", async () => {
    const long = "x".repeat(5000);
    const prefixFirst = SharedBody.goMap(
      [
        ["a", long],
        ["b", slot("now")],
      ],
      new CompressionQueue(),
    );
    const slotFirst = SharedBody.goMap(
      [
        ["a", slot("now")],
        ["b", long],
      ],
      new CompressionQueue(),
    );
    const small = SharedBody.whole(Buffer.from('{"x":1}\n'), new CompressionQueue());
    for (const body of [prefixFirst, slotFirst, small]) await body.ready();
    const now = { now: Buffer.from("1") };
    expect(prefixFirst.encoded("br", now)).toBeDefined();
    expect(slotFirst.encoded("br", now)).toBeUndefined();
    expect(gunzipSync(Buffer.concat(slotFirst.encoded("gzip", now) ?? [])).toString()).toBe(`{"a":1,"b":"${long}"}\n`);
    expect([small.encoded("gzip", {}), small.encoded("br", {})]).toEqual([undefined, undefined]);
  });

  it("the compression queue runs a few jobs at a time and refuses beyond its bound", async () => {
    const queue = new CompressionQueue(2, 3);
    const releases: (() => void)[] = [];
    const job = () => new Promise<void>((resolve) => releases.push(resolve));
    const taken = Array.from({ length: 6 }, () => queue.run(job));
    expect(taken.map((p) => p !== undefined)).toEqual([true, true, true, true, true, false]);
    expect(queue.size).toEqual({ running: 2, waiting: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(taken);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });
});
