import { addExact, type ExactInt, subtractExact } from "./exact-sum.js";

const INITIAL_CAPACITY = 16;

/**
 * One miner's shares in the window, compacted to one entry per second: the second, how
 * many shares, and the sum of their difficulties. Entries are kept sorted by second, so
 * the oldest leave from the front and a re-read tail is replaced at the back.
 *
 * Storage is three typed arrays (20 bytes an entry, outside the JS heap) instead of a
 * string per share. Difficulty sums stay in a `Float64Array` while they are safe
 * integers; a series that meets a larger one moves its sums to exact `bigint`s.
 * @internal
 */
export class LoginSeries {
  private seconds = new Float64Array(INITIAL_CAPACITY);
  private counts = new Uint32Array(INITIAL_CAPACITY);
  private sums: Float64Array | ExactInt[] = new Float64Array(INITIAL_CAPACITY);
  /** Index of the first live entry. */
  private head = 0;
  /** Index after the last live entry. */
  private tail = 0;
  /** Σ counts of the live entries. */
  count = 0;
  /** Σ sums of the live entries. */
  sum: ExactInt = 0;

  /** Whether no share is left. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** Entries currently held (for memory accounting). */
  get entries(): number {
    return this.tail - this.head;
  }

  /** Adds `count` shares of total difficulty `diffSum` at `second` (any order; appends are O(1)). */
  add(second: number, diffSum: ExactInt, count = 1): void {
    this.count += count;
    if (diffSum !== 0) this.sum = addExact(this.sum, diffSum);
    if (this.tail > this.head) {
      const last = this.tail - 1;
      const lastSecond = this.seconds[last] as number;
      if (lastSecond === second) {
        this.bump(last, diffSum, count);
        return;
      }
      if (lastSecond > second) {
        this.insert(second, diffSum, count);
        return;
      }
    }
    this.reserve();
    this.write(this.tail++, second, diffSum, count);
  }

  /** Drops every entry older than `cutoff` (the window's lower edge). @returns shares dropped */
  evictBefore(cutoff: number): number {
    let dropped = 0;
    while (this.head < this.tail && (this.seconds[this.head] as number) < cutoff) dropped += this.take(this.head++);
    if (this.head === this.tail) this.head = this.tail = 0;
    return dropped;
  }

  /** Drops every entry at or after `from` (a tail about to be re-read). @returns shares dropped */
  truncateFrom(from: number): number {
    let dropped = 0;
    while (this.tail > this.head && (this.seconds[this.tail - 1] as number) >= from) dropped += this.take(--this.tail);
    if (this.head === this.tail) this.head = this.tail = 0;
    return dropped;
  }

  /** Drops every entry with `from ≤ second < to` (a slice about to be replaced). @returns shares dropped */
  removeRange(from: number, to: number): number {
    const start = this.indexOf(from);
    const end = this.indexOf(to);
    if (start === end) return 0;
    let dropped = 0;
    for (let i = start; i < end; i++) dropped += this.take(i);
    this.seconds.copyWithin(start, end, this.tail);
    this.counts.copyWithin(start, end, this.tail);
    if (this.sums instanceof Float64Array) this.sums.copyWithin(start, end, this.tail);
    else this.sums.splice(start, end - start);
    this.tail -= end - start;
    if (this.head === this.tail) this.head = this.tail = 0;
    return dropped;
  }

  /** Shares with `from ≤ second < to`. */
  countIn(from: number, to: number): number {
    let total = 0;
    for (let i = this.indexOf(from), end = this.indexOf(to); i < end; i++) total += this.counts[i] as number;
    return total;
  }

  /**
   * Whether the entries with `from ≤ second < to` are exactly `other`'s entries (an
   * `other` that holds that slice only, as just read again from Redis).
   */
  sliceEquals(from: number, to: number, other: LoginSeries | undefined): boolean {
    const start = this.indexOf(from);
    const length = this.indexOf(to) - start;
    if (other === undefined) return length === 0;
    if (length !== other.entries) return false;
    for (let i = 0; i < length; i++) {
      const mine = start + i;
      const theirs = other.head + i;
      if (this.seconds[mine] !== other.seconds[theirs] || this.counts[mine] !== other.counts[theirs]) return false;
      if (this.sumAt(mine) !== other.sumAt(theirs)) return false;
    }
    return true;
  }

  /** Adds every entry of `other` (e.g. a slice read again, after {@link removeRange} made room). */
  addAll(other: LoginSeries): void {
    for (let i = other.head; i < other.tail; i++) {
      this.add(other.seconds[i] as number, other.sumAt(i), other.counts[i] as number);
    }
  }

  /** Σ counts and Σ sums of the entries with second ≥ `from` (a small window's part of a large one). */
  totalsFrom(from: number): { count: number; sum: ExactInt } {
    let count = 0;
    let sum: ExactInt = 0;
    for (let i = this.tail - 1; i >= this.head && (this.seconds[i] as number) >= from; i--) {
      count += this.counts[i] as number;
      sum = addExact(sum, this.sumAt(i));
    }
    return { count, sum };
  }

  /** The smallest second, or `undefined` when empty. */
  firstSecond(): number | undefined {
    return this.tail > this.head ? this.seconds[this.head] : undefined;
  }

  /** The smallest second > 0 (for the original's "0 means unset" `startedAt` rule). */
  firstPositiveSecond(): number | undefined {
    for (let i = this.head; i < this.tail; i++) {
      const second = this.seconds[i] as number;
      if (second > 0) return second;
    }
    return undefined;
  }

  /** The largest second, or `undefined` when empty. */
  lastSecond(): number | undefined {
    return this.tail > this.head ? this.seconds[this.tail - 1] : undefined;
  }

  /** Index of the first live entry with second ≥ `second` (binary search). */
  private indexOf(second: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seconds[mid] as number) < second) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private take(index: number): number {
    const count = this.counts[index] as number;
    this.count -= count;
    this.sum = subtractExact(this.sum, this.sumAt(index));
    return count;
  }

  private sumAt(index: number): ExactInt {
    return this.sums[index] as ExactInt;
  }

  private bump(index: number, diffSum: ExactInt, count: number): void {
    this.counts[index] = (this.counts[index] as number) + count;
    // Counting series (the window's per-second counts) add 0: nothing to sum.
    if (diffSum !== 0) this.setSum(index, addExact(this.sumAt(index), diffSum));
  }

  private write(index: number, second: number, diffSum: ExactInt, count: number): void {
    this.seconds[index] = second;
    this.counts[index] = count;
    this.setSum(index, diffSum);
  }

  private setSum(index: number, value: ExactInt): void {
    if (this.sums instanceof Float64Array) {
      if (typeof value === "number") {
        this.sums[index] = value;
        return;
      }
      this.sums = Array.from(this.sums); // a sum past 2^53: this series goes exact
    }
    this.sums[index] = value;
  }

  // A late share (its second is older than the newest entry): binary search, then shift.
  private insert(second: number, diffSum: ExactInt, count: number): void {
    const found = this.indexOf(second);
    if (found < this.tail && this.seconds[found] === second) {
      this.bump(found, diffSum, count);
      return;
    }
    // Making room may slide the live entries to the front: search again after it.
    this.reserve();
    const lo = this.indexOf(second);
    this.seconds.copyWithin(lo + 1, lo, this.tail);
    this.counts.copyWithin(lo + 1, lo, this.tail);
    if (this.sums instanceof Float64Array) this.sums.copyWithin(lo + 1, lo, this.tail);
    else this.sums.splice(lo, 0, 0);
    this.tail++;
    this.write(lo, second, diffSum, count);
  }

  // Room for one more entry at the back: slide live entries to the front when half the
  // storage is evicted, otherwise double it (amortized O(1) either way).
  private reserve(): void {
    if (this.tail < this.seconds.length) return;
    const live = this.tail - this.head;
    const capacity =
      live * 2 < this.seconds.length ? this.seconds.length : Math.max(INITIAL_CAPACITY, this.seconds.length * 2);
    const seconds = new Float64Array(capacity);
    const counts = new Uint32Array(capacity);
    seconds.set(this.seconds.subarray(this.head, this.tail));
    counts.set(this.counts.subarray(this.head, this.tail));
    if (this.sums instanceof Float64Array) {
      const sums = new Float64Array(capacity);
      sums.set(this.sums.subarray(this.head, this.tail));
      this.sums = sums;
    } else {
      this.sums = this.sums.slice(this.head, this.tail);
    }
    this.seconds = seconds;
    this.counts = counts;
    this.tail = live;
    this.head = 0;
  }
}
