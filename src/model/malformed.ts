/**
 * Why a Redis value was skipped instead of being read.
 *
 * - `too-few-fields`: fewer `:`-separated fields than the original indexes (it panics);
 * - `not-an-integer`: an integer field that Go would silently read as 0;
 * - `not-a-bool`: a bool field that Go would silently read as false;
 * - `bad-score`: a score of NaN, ±inf or beyond int64 (Go's conversion is undefined);
 * - `wrong-type`: the key holds another Redis type (WRONGTYPE), so the whole key is skipped;
 * - `zero-difficulty`: a block left out of the luck mean because it would be NaN or ±Inf;
 * - `luck-overflow`: a block left out of the luck mean because its shares or difficulty
 *   are beyond float64, so its ratio is NaN or ±Inf.
 */
export type MalformedReason =
  | "too-few-fields"
  | "not-an-integer"
  | "not-a-bool"
  | "bad-score"
  | "wrong-type"
  | "zero-difficulty"
  | "luck-overflow";

/** One skipped value, as reported to the `onMalformed` callback. */
export interface MalformedEvent {
  /** The Redis key the value came from. */
  readonly key: string;
  /** The member, field or field value that was skipped (`""` for a whole key). */
  readonly member: string;
  readonly reason: MalformedReason;
}

/** Skipped values per Redis key; keys with nothing skipped are absent. */
export type MalformedCounts = Readonly<Record<string, number>>;

/**
 * Where a pure converter reports a value it skips. Converters know neither keys nor
 * callbacks; the backend binds one sink per key.
 */
export type MalformedSink = (member: string, reason: MalformedReason) => void;
