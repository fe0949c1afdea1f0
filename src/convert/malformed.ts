import type { MalformedCounts, MalformedEvent, MalformedReason, MalformedSink } from "../model/malformed.js";
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
