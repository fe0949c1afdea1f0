/**
 * Hash slots, computed here rather than with the `cluster-key-slot` package ioredis
 * depends on: that package hashes a key whose first tag is empty and which has a later
 * `}` wrongly (`foo{}{bar}` hashes as `{bar`, where Redis hashes the whole key), and the
 * cluster suite checks every slot against `CLUSTER KEYSLOT` of a live server.
 * @packageDocumentation
 */

/** The number of hash slots of Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection — the variant
// Redis Cluster specifies. One table lookup per byte.
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

const encoder = new TextEncoder();
const OPEN = 0x7b; // "{"
const CLOSE = 0x7d; // "}"

/**
 * CRC16 (XMODEM) of `bytes` from `start` (inclusive) to `end` (exclusive), as Redis
 * Cluster computes it: `crc16("123456789") === 0x31c3`.
 */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) ^ (TABLE[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  return crc;
}

/**
 * The Redis Cluster hash slot (0–16383) of `key`: CRC16 of its UTF-8 bytes modulo 16384.
 *
 * The hash-tag rule: when the key holds a `{` followed later by a `}` with at least one
 * byte between them, only the bytes between the FIRST `{` and the first `}` after it are
 * hashed. So `{eth}:stats` and `{eth}:hashrate` share a slot, while `{}eth` and `eth{`
 * hash whole.
 *
 * @example
 * ```ts
 * keySlot("{eth}:hashrate") === keySlot("{eth}:stats"); // true: both 6568
 * ```
 */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  const open = bytes.indexOf(OPEN);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}
