import fc from "fast-check";

/**
 * Arbitraries for bad data at scale: text that exercises every parsing rule at once
 * (colon soup, signs, exponents, huge digit runs, lone surrogates, control characters,
 * HTML-escaped characters), members built from it, and ZSET scores that carry whether
 * the original could read them.
 */

const TWO_POW_63 = 2n ** 63n;

/** A lone UTF-16 surrogate: no UTF-8 form (ioredis never yields one, a host's data might). */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/** A run of 20 to 600 digits, beyond every fixed-width integer. */
export const hugeDigits = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 19, max: 599 }), fc.nat())
  .map(([lead, length, seed]) => `${lead}${String(seed).repeat(Math.ceil(length / 10) + 1)}`.slice(0, length + 1));

const SPECIALS = [
  ":",
  "::",
  ":::",
  "0",
  "1",
  "9",
  "-",
  "+",
  ".",
  "e",
  "E",
  "x",
  "_",
  " ",
  "\t",
  "\n",
  "\0",
  "inf",
  "nan",
  "true",
  "False",
  "\u00b5",
  "\ufffd",
  "\u2028",
  "\u{1F600}",
  "{",
  "}",
  '"',
  "\\",
  "<",
  "&",
] as const;

/** One unit of soup: any code point, a character that matters to some parser, or worse. */
const soupUnit = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 6, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: hugeDigits },
);

/** Text of every kind, empty included. */
export const soup = fc.string({ unit: soupUnit, maxLength: 24 });

/** Text that is valid Unicode (what ioredis hands over: invalid UTF-8 arrives as U+FFFD). */
export const wellFormedSoup = soup.map(wellFormed);

/** `text` with every lone surrogate replaced by U+FFFD (`String#toWellFormed`, ES2024). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** Integers in every rendering Go's ParseInt accepts: signs, leading zeros, int64 edges, far beyond. */
export const intText = fc
  .tuple(
    fc.oneof(
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.bigInt({ min: -TWO_POW_63, max: TWO_POW_63 - 1n }),
      fc.constantFrom(TWO_POW_63 - 1n, -TWO_POW_63, TWO_POW_63, -TWO_POW_63 - 1n, 2n ** 64n, 10n ** 80n),
      hugeDigits.map(BigInt),
    ),
    fc.constantFrom("", "+", "00"),
  )
  .map(([n, extra]) => (n < 0n ? `-${extra === "00" ? "00" : ""}${-n}` : `${extra}${n}`));

/** One `:`-separated field of a member. */
export const field = fc.oneof(
  { weight: 3, arbitrary: soup },
  { weight: 3, arbitrary: intText },
  { weight: 1, arbitrary: fc.constantFrom("", "0", "1", "true", "false", "t", "0x0", "maybe", "1.5", "1e3") },
);

/** A member: 0 to 12 fields joined with `:` (fields may hold more `:`). */
export const member = fc.array(field, { maxLength: 12 }).map((fields) => fields.join(":"));

/** A ZSET score, as a number or Redis text, with whether the original reads it (`int64(score)`). */
export interface Score {
  readonly raw: string | number;
  readonly ok: boolean;
}

const LIMIT = 2 ** 63;

export const score: fc.Arbitrary<Score> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => ({ raw: String(n), ok: true })) },
  fc.integer().map((n) => ({ raw: n, ok: true })),
  fc.integer().map((n) => ({ raw: String(n), ok: true })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ raw: n, ok: Math.abs(n) < LIMIT })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ raw: String(n), ok: Math.abs(n) < LIMIT })),
  fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map((n) => ({ raw: `${n}.5`, ok: true })),
  fc.constantFrom<Score>(
    { raw: "-0", ok: true },
    { raw: "1e3", ok: true },
    { raw: "9.2e18", ok: true },
    { raw: Number.NaN, ok: false },
    { raw: Number.POSITIVE_INFINITY, ok: false },
    { raw: Number.NEGATIVE_INFINITY, ok: false },
    { raw: "inf", ok: false },
    { raw: "+inf", ok: false },
    { raw: "-inf", ok: false },
    { raw: "nan", ok: false },
    { raw: "", ok: false },
    { raw: " 1", ok: false },
    { raw: "0x10", ok: false },
    { raw: "1e400", ok: false },
    { raw: "9223372036854775808", ok: false },
    { raw: "-9223372036854775808", ok: false },
    { raw: "1_0", ok: false },
  ),
  // Soup that cannot be a number (it starts with a letter).
  soup.map((text) => ({ raw: `x${text}`, ok: false })),
);

const GOOD_FIELD: Readonly<Record<string, fc.Arbitrary<string>>> = {
  i: intText,
  b: fc.constantFrom("0", "1", "true", "false", "t", "F", "TRUE", "False"),
  t: soup.map((text) => text.replaceAll(":", "")),
};

/**
 * A member shaped like one of the original's: `kinds` names each field, `i` an integer,
 * `b` a bool, `t` text. Each field is well-formed most of the time and junk (colon soup
 * included, which shifts every later field) otherwise; now and then a field is missing or
 * one more follows.
 */
export function shapedMember(kinds: string): fc.Arbitrary<string> {
  const fields = [...kinds].map((kind) =>
    fc.oneof({ weight: 9, arbitrary: GOOD_FIELD[kind] ?? soup }, { weight: 1, arbitrary: field }),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.constantFrom("keep", "keep", "keep", "keep", "drop", "extra"), field)
    .map(([parts, edit, extra]) => {
      const list = [...parts];
      if (edit === "drop") list.pop();
      if (edit === "extra") list.push(extra);
      return list.join(":");
    });
}

/** A WITHSCORES reply of junk: members and their scores, with each score's verdict. */
export const junkZset = fc.array(fc.tuple(member, score), { maxLength: 12 });

/** A WITHSCORES reply of mostly `kinds`-shaped members (see {@link shapedMember}) and some pure junk. */
export function shapedZset(...shapes: string[]): fc.Arbitrary<[string, Score][]> {
  const members = fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...shapes.map(shapedMember)) },
    { weight: 1, arbitrary: member },
  );
  return fc.array(fc.tuple(members, score), { maxLength: 12 });
}

/** The flat `member, score, …` reply of {@link junkZset} pairs. */
export function flatReply(pairs: readonly (readonly [string, Score])[]): (string | number)[] {
  return pairs.flatMap(([m, s]) => [m, s.raw]);
}

/** Go's `ParseInt` syntax, restated from the reference (§1.4), for the oracles. */
export const isGoInt = (text: string | undefined): boolean => text !== undefined && /^[+-]?[0-9]+$/.test(text);

/** Go's `ParseBool` words. */
export const GO_BOOLS: ReadonlySet<string> = new Set([
  "1",
  "t",
  "T",
  "TRUE",
  "true",
  "True",
  "0",
  "f",
  "F",
  "FALSE",
  "false",
  "False",
]);
