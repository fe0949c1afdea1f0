import { describe, expect, it } from "vitest";
import { convertBlocks } from "../../src/convert/blocks.js";
import { convertLuck, luckRatio } from "../../src/convert/luck.js";
import { toGoJson } from "../../src/go/json.js";
import { luckToGo } from "../../src/json/compat-shapes.js";
import type { BlockRow } from "../../src/model/rows.js";
import { zset } from "../support/sink.js";

/** The test vector of the original's storage/redis_test.go (reference §2.3): immature, then matured newest first. */
const VECTOR: BlockRow[] = [
  ...convertBlocks(zset([0, "1:0:0x0:0x0:0:100:100:0"])),
  ...convertBlocks(zset([3, "0:0:0x3:0x0:0:200:100:0"], [2, "0:1:0x1:0x0:0:100:100:0"], [1, "1:0:0x2:0x0:0:50:100:0"])),
];

/** A block with just what luck reads. */
function block(shares: bigint, difficulty: bigint, flags: { uncle?: boolean; orphan?: boolean } = {}): BlockRow {
  return {
    height: 1,
    timestamp: 0n,
    difficulty,
    shares,
    uncle: flags.uncle ?? false,
    uncleHeight: flags.uncle ? 1n : 0n,
    orphan: flags.orphan ?? false,
    hash: "0x0",
    reward: "0",
    nonce: "0x0",
  };
}

const json = (rows: ReturnType<typeof convertLuck>) => toGoJson(luckToGo(rows));

describe("convertLuck (the original's CollectLuckStats arithmetic)", () => {
  it("gives the reference's vector: windows [1,2,5,10] → keys 1, 2, 4", () => {
    const rows = convertLuck(VECTOR, [1, 2, 5, 10]);
    expect(Object.fromEntries(rows)).toEqual({
      // probability = Q(blocks, blocks × luck): e^-1; 2.5·e^-1.5; (1 + 4.5 + 4.5²/2 + 4.5³/6)·e^-4.5
      "1": { luck: 1, uncleRate: 1, orphanRate: 0, blocks: 1, probability: expect.closeTo(0.36787944117144233, 15) },
      "2": {
        luck: 0.75,
        uncleRate: 0.5,
        orphanRate: 0,
        blocks: 2,
        probability: expect.closeTo(0.5578254003710746, 15),
      },
      "4": {
        luck: 1.125,
        uncleRate: 0.5,
        orphanRate: 0.25,
        blocks: 4,
        probability: expect.closeTo(0.34229595583459105, 15),
      },
    });
    expect(json(rows)).toBe(
      '{"1":{"luck":1,"orphanRate":0,"uncleRate":1},"2":{"luck":0.75,"orphanRate":0,"uncleRate":0.5},"4":{"luck":1.125,"orphanRate":0.25,"uncleRate":0.5}}',
    );
  });

  it("sorts the windows: [256,64,128] over 4 blocks → one row keyed 4", () => {
    expect(json(convertLuck(VECTOR, [256, 64, 128]))).toBe('{"4":{"luck":1.125,"orphanRate":0.25,"uncleRate":0.5}}');
  });

  it("does not reorder the caller's array", () => {
    const windows = [256, 64, 128];
    convertLuck(VECTOR, windows);
    expect(windows).toEqual([256, 64, 128]);
  });

  it('gives {"0": zeros} with no blocks', () => {
    expect(json(convertLuck([], [64, 128, 256]))).toBe('{"0":{"luck":0,"orphanRate":0,"uncleRate":0}}');
    expect(json(convertLuck([], [1]))).toBe('{"0":{"luck":0,"orphanRate":0,"uncleRate":0}}');
  });

  it("emits every window that is filled exactly, and stops after the first short one", () => {
    const rows = convertLuck(VECTOR, [4, 2, 3, 8, 16]);
    expect([...rows.keys()]).toEqual(["2", "3", "4"]);
  });

  it("takes the mean of shares/difficulty per block, not Σshares/Σdifficulty", () => {
    const rows = convertLuck([block(1n, 1n), block(3n, 100n)], [2]);
    expect(rows.get("2")?.luck).toBe((1 + 0.03) / 2);
  });

  it("prints Go floats: 1/3, tiny ratios and exponent form from 1e21 on", () => {
    const rows = convertLuck([block(1n, 3n), block(1n, 4000000000000000n), block(2n ** 80n, 1n)], [1, 2, 3]);
    expect(json(rows)).toBe(
      '{"1":{"luck":0.3333333333333333,"orphanRate":0,"uncleRate":0},' +
        '"2":{"luck":0.1666666666666668,"orphanRate":0,"uncleRate":0},' +
        '"3":{"luck":4.029752732048764e+23,"orphanRate":0,"uncleRate":0}}',
    );
  });

  it("leaves a zero-difficulty block out of the luck mean but counts it in the rates", () => {
    const rows = convertLuck(
      [block(100n, 100n), block(100n, 0n, { orphan: true }), block(0n, 0n, { uncle: true })],
      [3],
    );
    // One block in the mean (the other two have difficulty 0): Q(1, 1) = e^-1.
    expect(rows.get("3")).toEqual({
      luck: 1,
      uncleRate: 1 / 3,
      orphanRate: 1 / 3,
      blocks: 1,
      probability: expect.closeTo(Math.exp(-1), 15),
    });
    expect(json(rows)).not.toMatch(/NaN|Inf/);
  });

  it("gives luck 0 when every block has difficulty 0", () => {
    expect(convertLuck([block(5n, 0n), block(0n, 0n)], [2]).get("2")).toEqual({
      luck: 0,
      uncleRate: 0,
      orphanRate: 0,
      blocks: 0,
      probability: null,
    });
  });

  it("never yields NaN or ±Infinity for numbers beyond float64 (the JSON would fail to encode)", () => {
    const huge = 10n ** 400n;
    const rows = convertLuck([block(huge, 5n), block(huge, huge), block(-huge, 1n), block(6n, 3n)], [4]);
    expect(rows.get("4")?.luck).toBe(2);
    expect(() => json(rows)).not.toThrow();
  });

  it("luckRatio is float64(shares)/float64(difficulty), undefined when not finite", () => {
    expect(luckRatio(block(100n, 50n))).toBe(2);
    expect(luckRatio(block(2n ** 63n + 1n, 2n ** 62n))).toBe(2);
    expect(luckRatio(block(-1n, 4n))).toBe(-0.25);
    expect(luckRatio(block(1n, 10n ** 400n))).toBe(0);
    expect(luckRatio(block(1n, 0n))).toBeUndefined();
    expect(luckRatio(block(0n, 0n))).toBeUndefined();
    expect(luckRatio(block(10n ** 400n, 1n))).toBeUndefined();
  });
});
