import { UnsupportedJsonValueError } from "../errors/unsupported-json-value-error.js";
import { compareUtf8 } from "./utf8-order.js";

/**
 * A value {@link toGoJson} can encode, mirroring the Go types of the original:
 *
 * - `bigint` — an int64 (or any integer): printed with every digit;
 * - `number` — a float64: printed as Go prints floats (NaN and ±Infinity are refused);
 * - `string`, `boolean`, `null`;
 * - an array — a Go slice (empty prints `[]`; use `null` for a nil slice);
 * - a `Map` — a Go map: keys sorted by their UTF-8 bytes, as `encoding/json` does;
 * - a plain object — a Go struct: fields in insertion (declaration) order.
 */
export type GoJsonValue =
  | null
  | boolean
  | string
  | bigint
  | number
  | readonly GoJsonValue[]
  | ReadonlyMap<string, GoJsonValue>
  | GoJsonStruct;

/** A Go struct: a plain object whose key order is the field declaration order. */
export interface GoJsonStruct {
  readonly [field: string]: GoJsonValue;
}

/**
 * Encodes `value` exactly as Go's `encoding/json` (before Go 1.22) encodes the equivalent
 * Go value: map keys in byte order, HTML-safe string escaping (`<` `>` `&` as `\u003c`…,
 * U+2028/U+2029 escaped, other control characters as `\u00XX`), integers with all their
 * digits, floats in Go's shortest form (`1e-7`, `1e+21`, `0.3`).
 *
 * The HTTP bodies of the original are this text plus one `"\n"` (`json.Encoder.Encode`).
 *
 * @throws {@link UnsupportedJsonValueError} for NaN, ±Infinity, `undefined` and other non-JSON values
 */
export function toGoJson(value: GoJsonValue): string {
  const out: string[] = [];
  encode(value, out);
  return out.join("");
}

function encode(value: GoJsonValue, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(goQuote(value));
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "number":
      out.push(goFloat(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      if (value === null) {
        out.push("null");
      } else if (Array.isArray(value)) {
        encodeArray(value as readonly GoJsonValue[], out);
      } else if (value instanceof Map) {
        encodeMap(value as ReadonlyMap<string, GoJsonValue>, out);
      } else {
        encodeStruct(value as GoJsonStruct, out);
      }
      return;
    default:
      throw new UnsupportedJsonValueError(typeof value);
  }
}

function encodeArray(items: readonly GoJsonValue[], out: string[]): void {
  out.push("[");
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(",");
    encode(items[i] as GoJsonValue, out);
  }
  out.push("]");
}

function encodeMap(map: ReadonlyMap<string, GoJsonValue>, out: string[]): void {
  const keys = [...map.keys()].sort(compareUtf8);
  out.push("{");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out.push(",");
    out.push(goQuote(key), ":");
    encode(map.get(key) as GoJsonValue, out);
  }
  out.push("}");
}

function encodeStruct(struct: GoJsonStruct, out: string[]): void {
  out.push("{");
  let first = true;
  for (const field of Object.keys(struct)) {
    if (!first) out.push(",");
    first = false;
    out.push(goQuote(field), ":");
    encode(struct[field] as GoJsonValue, out);
  }
  out.push("}");
}

/**
 * Go's float64 encoding: the shortest round-trip digits (what JS `Number#toString` also
 * computes), plain between 1e-6 and 1e21, exponent form outside with no zero padding.
 */
function goFloat(value: number): string {
  if (!Number.isFinite(value)) throw new UnsupportedJsonValueError(String(value));
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

// Characters written raw by Go: printable ASCII except `"` `\` `<` `>` `&`. Anything else
// goes through the slow path below.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff\ufffd]/;

/** Quotes a string as Go's `encodeState.string` with HTML escaping on. */
export function goQuote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + (text[i + 1] as string);
        i++;
        continue;
      }
      out += "\\ufffd"; // a lone surrogate is invalid UTF-8 to Go
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      out += "\\ufffd";
      continue;
    }
    switch (unit) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      default:
        // U+FFFD is escaped too: ioredis decodes each invalid UTF-8 byte in Redis data to
        // it, and Go writes such bytes as the escape "\ufffd".
        if (
          unit < 0x20 ||
          unit === 0x3c ||
          unit === 0x3e ||
          unit === 0x26 ||
          unit === 0x2028 ||
          unit === 0x2029 ||
          unit === 0xfffd
        ) {
          out += `\\u${unit.toString(16).padStart(4, "0")}`;
        } else {
          out += text[i];
        }
    }
  }
  return `${out}"`;
}
