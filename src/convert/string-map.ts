import { parseGoInt64 } from "../go/int.js";
import type { StringIntMap } from "../model/rows.js";
import type { HashEntries } from "./reply-shapes.js";

/**
 * The original's `convertStringMap`: each value that parses completely as an int64
 * (Go's rules, see {@link parseGoInt64}) becomes a `bigint`; every other value, including
 * integers beyond int64, stays the exact string Redis holds. Nothing is skipped.
 */
export function convertStringMap(entries: HashEntries): StringIntMap {
  const map = new Map<string, bigint | string>();
  for (const [field, value] of entries) map.set(field, parseGoInt64(value) ?? value);
  return map;
}
