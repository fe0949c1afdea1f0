import { InvalidDurationError } from "../errors/invalid-duration-error.js";
import { type Milliseconds, milliseconds, type Seconds, seconds } from "../time/units.js";
import { INT64_MAX } from "./int.js";

/**
 * A duration as the pool's config.json writes it (a Go duration string such as `"30m"`,
 * `"1h30m"`, `"500ms"`, `"1.5h"`) or a number of milliseconds.
 */
export type DurationInput = string | number;

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** Go's unit table (`time.unitMap`), in nanoseconds; both micro signs are accepted as Go does. */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", NS_PER_MS],
  ["s", NS_PER_S],
  ["m", 60n * NS_PER_S],
  ["h", 3600n * NS_PER_S],
]);

/**
 * Parses a duration into milliseconds.
 *
 * Strings follow Go's `time.ParseDuration` to the nanosecond (same grammar, same units,
 * same overflow limit of 2^63−1 ns, same rounding of fractions), so every value a pool's
 * config.json holds means here what it means to the original. Numbers are taken as
 * milliseconds. Negative durations are rejected: no setting of the original is
 * meaningful with one (Go would accept the syntax and then misbehave).
 *
 * @param path - the setting the duration comes from, named in the error (`"hashrateWindow"`)
 * @returns milliseconds; a fraction only for sub-millisecond parts (`"1500us"` → 1.5)
 * @throws {@link InvalidDurationError} for anything else, naming the input (and `path`)
 */
export function parseDuration(input: DurationInput, path?: string): Milliseconds {
  const at = path === undefined ? undefined : { path };
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new InvalidDurationError(input, "not a finite number", at);
    if (input < 0) throw new InvalidDurationError(input, "negative", at);
    return milliseconds(input);
  }
  const ns = parseGoDurationNs(input, path);
  const wholeMs = ns / NS_PER_MS;
  const restNs = ns % NS_PER_MS;
  return milliseconds(Number(wholeMs) + Number(restNs) / 1e6);
}

/**
 * A duration in whole seconds, truncated as Go's `int64(d / time.Second)` does.
 * @internal
 */
export function durationSeconds(input: DurationInput, path?: string): Seconds {
  if (typeof input === "number") return seconds(Math.trunc(parseDuration(input, path) / 1000));
  return seconds(Number(parseGoDurationNs(input, path) / NS_PER_S));
}

/**
 * Go's `time.ParseDuration`, returning nanoseconds; rejects negative results.
 * @internal
 */
export function parseGoDurationNs(input: unknown, path?: string): bigint {
  const at = path === undefined ? undefined : { path };
  if (typeof input !== "string")
    throw new InvalidDurationError(input, "expected a string or a number of milliseconds", at);
  let s = input;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new InvalidDurationError(input, "empty", at);
  let total = 0n;
  while (s !== "") {
    const head = /^(\d*)(?:\.(\d*))?/.exec(s);
    const intDigits = head?.[1] ?? "";
    const fracDigits = head?.[2];
    if (intDigits === "" && (fracDigits === undefined || fracDigits === "")) {
      throw new InvalidDurationError(input, "expected a number before each unit", at);
    }
    s = s.slice(head?.[0].length ?? 0);
    const unitMatch = /^[^\d.]+/.exec(s);
    if (unitMatch === null) throw new InvalidDurationError(input, "missing unit", at);
    const unitText = unitMatch[0];
    const unit = UNIT_NS.get(unitText);
    if (unit === undefined) {
      throw new InvalidDurationError(input, `unknown unit ${JSON.stringify(unitText)} (use ns, us, ms, s, m or h)`, at);
    }
    s = s.slice(unitText.length);
    let value = intDigits === "" ? 0n : BigInt(intDigits);
    if (value > (1n << 63n) / unit) throw new InvalidDurationError(input, "overflows 2^63-1 nanoseconds", at);
    value *= unit;
    if (fracDigits !== undefined && fracDigits !== "") value += fraction(fracDigits, unit);
    total += value;
    if (total > 1n << 63n) throw new InvalidDurationError(input, "overflows 2^63-1 nanoseconds", at);
  }
  if (negative) {
    if (total === 0n) return 0n;
    throw new InvalidDurationError(input, "negative", at);
  }
  if (total > INT64_MAX) throw new InvalidDurationError(input, "overflows 2^63-1 nanoseconds", at);
  return total;
}

/**
 * Go's `leadingFraction` plus `uint64(float64(f) * (float64(unit) / scale))`: digits past
 * int64 precision are dropped, and the product goes through float64 exactly as Go's does.
 */
function fraction(digits: string, unit: bigint): bigint {
  let f = 0n;
  let scale = 1;
  for (const ch of digits) {
    if (f > INT64_MAX / 10n) break;
    const next = f * 10n + BigInt(ch);
    if (next > INT64_MAX) break;
    f = next;
    scale *= 10;
  }
  if (f === 0n) return 0n;
  return BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
}

/**
 * Formats milliseconds the way Go's `time.Duration.String` does (`5s`, `10m0s`, `1h30m0s`,
 * `500ms`), for log lines that read like the original's.
 *
 * @throws {@link InvalidDurationError} for NaN and ±Infinity (no Go duration prints them)
 */
export function formatDuration(ms: number): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new InvalidDurationError(ms, "not a finite number");
  const ns = BigInt(Math.round(ms * 1e6));
  return formatGoDurationNs(ns);
}

function formatGoDurationNs(ns: bigint): string {
  if (ns === 0n) return "0s";
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < NS_PER_S) {
    // Sub-second: Go picks ns, µs or ms and prints a decimal fraction.
    let unit: string;
    let div: bigint;
    if (u < 1_000n) return `${negative ? "-" : ""}${u}ns`;
    if (u < NS_PER_MS) {
      unit = "\u00b5s";
      div = 1_000n;
    } else {
      unit = "ms";
      div = NS_PER_MS;
    }
    out = decimal(u, div) + unit;
  } else {
    const hours = u / (3600n * NS_PER_S);
    u -= hours * 3600n * NS_PER_S;
    const minutes = u / (60n * NS_PER_S);
    u -= minutes * 60n * NS_PER_S;
    out = `${decimal(u, NS_PER_S)}s`;
    if (hours > 0n) out = `${hours}h${minutes}m${out}`;
    else if (minutes > 0n) out = `${minutes}m${out}`;
  }
  return (negative ? "-" : "") + out;
}

function decimal(value: bigint, div: bigint): string {
  const whole = value / div;
  const rest = value % div;
  if (rest === 0n) return whole.toString();
  const width = div.toString().length - 1;
  return `${whole}.${rest.toString().padStart(width, "0").replace(/0+$/, "")}`;
}
