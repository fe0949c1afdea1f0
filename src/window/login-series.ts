import { addExact, type ExactInt, subtractExact } from "./exact-sum.js";

/**
 * One miner's shares in the window, compacted to one entry per second: the second, how
 * many shares, and the sum of their difficulties. Entries are kept sorted by second, so
 * the oldest leave from the front and a re-read tail is replaced at the back.
 *
 * Memory is three array slots per (miner, second) instead of one string per share.
 * @internal
 */
export class LoginSeries {
  private seconds: number[] = [];
  private counts: number[] = [];
  private sums: ExactInt[] = [];
  /** Index of the first live entry; entries before it were evicted (compacted lazily). */
  private head = 0;
  /** Σ counts of the live entries. */
  count = 0;
  /** Σ sums of the live entries. */
  sum: ExactInt = 0;

  /** Whether no share is left. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** Adds `count` shares of total difficulty `diffSum` at `second` (any order; appends are O(1)). */
  add(second: number, diffSum: ExactInt, count = 1): void {
    this.count += count;
    this.sum = addExact(this.sum, diffSum);
    const last = this.seconds.length - 1;
    if (last >= this.head) {
      const lastSecond = this.seconds[last] as number;
      if (lastSecond === second) {
        this.counts[last] = (this.counts[last] as number) + count;
        this.sums[last] = addExact(this.sums[last] as ExactInt, diffSum);
        return;
      }
      if (lastSecond > second) {
        this.insert(second, diffSum, count);
        return;
      }
    }
    this.seconds.push(second);
    this.counts.push(count);
    this.sums.push(diffSum);
  }

  /** Drops every entry older than `cutoff` (the window's lower edge). @returns shares dropped */
  evictBefore(cutoff: number): number {
    let dropped = 0;
    while (this.head < this.seconds.length && (this.seconds[this.head] as number) < cutoff) {
      dropped += this.take(this.head);
      this.head++;
    }
    this.compact();
    return dropped;
  }

  /** Drops every entry at or after `from` (a tail about to be re-read). @returns shares dropped */
  truncateFrom(from: number): number {
    let dropped = 0;
    while (this.seconds.length > this.head && (this.seconds[this.seconds.length - 1] as number) >= from) {
      dropped += this.take(this.seconds.length - 1);
      this.seconds.pop();
      this.counts.pop();
      this.sums.pop();
    }
    return dropped;
  }

  /** The smallest second, or `undefined` when empty. */
  firstSecond(): number | undefined {
    return this.head < this.seconds.length ? this.seconds[this.head] : undefined;
  }

  /** The smallest second > 0 (for the original's "0 means unset" `startedAt` rule). */
  firstPositiveSecond(): number | undefined {
    for (let i = this.head; i < this.seconds.length; i++) {
      const second = this.seconds[i] as number;
      if (second > 0) return second;
    }
    return undefined;
  }

  /** The largest second, or `undefined` when empty. */
  lastSecond(): number | undefined {
    return this.seconds.length > this.head ? this.seconds[this.seconds.length - 1] : undefined;
  }

  /** Entries currently held (for memory accounting). */
  get entries(): number {
    return this.seconds.length - this.head;
  }

  private take(index: number): number {
    const count = this.counts[index] as number;
    this.count -= count;
    this.sum = subtractExact(this.sum, this.sums[index] as ExactInt);
    return count;
  }

  // A late share (its second is older than the newest entry): binary search, then splice.
  private insert(second: number, diffSum: ExactInt, count: number): void {
    let lo = this.head;
    let hi = this.seconds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seconds[mid] as number) < second) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.seconds.length && this.seconds[lo] === second) {
      this.counts[lo] = (this.counts[lo] as number) + count;
      this.sums[lo] = addExact(this.sums[lo] as ExactInt, diffSum);
      return;
    }
    this.seconds.splice(lo, 0, second);
    this.counts.splice(lo, 0, count);
    this.sums.splice(lo, 0, diffSum);
  }

  // Evicted entries stay in the arrays until they are half the storage: amortized O(1).
  private compact(): void {
    if (this.head === 0 || this.head * 2 < this.seconds.length) return;
    this.seconds = this.seconds.slice(this.head);
    this.counts = this.counts.slice(this.head);
    this.sums = this.sums.slice(this.head);
    this.head = 0;
  }
}
