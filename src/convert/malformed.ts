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

/**
 * Counts skipped values per key and forwards each to an optional callback.
 * @internal
 */
export class MalformedTally {
  private readonly counts: Record<string, number> = Object.create(null);
  private readonly listener: ((event: MalformedEvent) => void) | undefined;

  constructor(listener?: (event: MalformedEvent) => void) {
    this.listener = listener;
  }

  /** A sink that attributes every skip to `key`. */
  sink(key: string): MalformedSink {
    return (member, reason) => this.add(key, member, reason);
  }

  /** Counts one skipped value of `key` and reports it. */
  add(key: string, member: string, reason: MalformedReason): void {
    this.record(key, 1);
    this.notify(key, member, reason);
  }

  /** Counts `n` skipped values of `key` without reporting them (they were reported when first seen). */
  record(key: string, n: number): void {
    if (n > 0) this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  /** Reports a skipped value without counting it. */
  notify(key: string, member: string, reason: MalformedReason): void {
    if (this.listener === undefined) return;
    try {
      this.listener({ key, member, reason });
    } catch {
      // A host's logging callback must not turn a data problem into a failed read.
    }
  }

  /** A frozen copy of the counts so far. */
  snapshot(): MalformedCounts {
    return Object.freeze({ ...this.counts });
  }
}

/** A sink that ignores everything, for callers that do not care. @internal */
export const ignoreMalformed: MalformedSink = () => {};
