import { describe, expect, it } from "vitest";
import { CLUSTER_SLOTS, crc16, keySlot } from "../../src/redis/key-slot.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("crc16 (XMODEM)", () => {
  it("gives the check value of the CRC catalogue", () => {
    expect(crc16(bytes("123456789"))).toBe(0x31c3);
  });

  it("is 0 for no bytes and reads only the given range", () => {
    expect(crc16(bytes(""))).toBe(0);
    expect(crc16(bytes("xx123456789yy"), 2, 11)).toBe(0x31c3);
  });
});

describe("keySlot", () => {
  // Slots as `CLUSTER KEYSLOT` of Redis 7.0.15 answers them (the cluster suite checks
  // hundreds more against a live server).
  it.each([
    ["123456789", 0x31c3 % CLUSTER_SLOTS],
    ["foo", 12182],
    ["somekey", 11058],
    ["", 0],
    ["eth:hashrate", 15902],
    ["eth:stats", 9299],
    ["{eth}:hashrate", 6568],
    ["{eth}:stats", 6568],
    ["foo{hash_tag}", 2515],
    ["é", 10180],
  ])("%j is in slot %i", (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it("hashes only a non-empty tag between the first { and the next }", () => {
    expect(keySlot("{eth}:hashrate:0xabc")).toBe(keySlot("eth"));
    expect(keySlot("foo{bar}{zap}")).toBe(keySlot("bar"));
    expect(keySlot("foo{{bar}}zap")).toBe(keySlot("{bar"));
    expect(keySlot("{é}x")).toBe(keySlot("é"));
  });

  it("hashes the whole key for an empty tag or a { without }", () => {
    expect(keySlot("{}eth")).toBe(4898);
    expect(keySlot("foo{}{bar}")).toBe(8363);
    expect(keySlot("foo{}{bar}")).not.toBe(keySlot("bar"));
    expect(keySlot("eth{")).toBe(11296);
    expect(keySlot("eth}{")).toBe(crc16(bytes("eth}{")) % CLUSTER_SLOTS);
  });

  it("takes raw bytes, including invalid UTF-8", () => {
    expect(keySlot(new Uint8Array([0xff, 0xfe]))).toBe(3374);
    expect(keySlot(bytes("{eth}:stats"))).toBe(6568);
  });
});
