import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import type { Account, AccountResult } from "../model/account.js";
import type { Clock } from "../time/clock.js";
import type { AccountWindowSizes } from "./account-windows.js";
import { deadline } from "./bounded-wait.js";
import { deepFreeze } from "./deep-freeze.js";

/** The rules of an {@link AccountCache}. @internal */
export interface AccountCacheSettings {
  readonly now: Clock;
  /** An entry with `updatedAt ≥ now − freshMs` is served without Redis (the original's rule). */
  readonly freshMs: number;
  /** An entry with `updatedAt < now − maxAgeMs` is dropped, and never served stale. */
  readonly maxAgeMs: number;
  readonly maxAccounts: number;
  /** A "not found" with `checkedAt ≥ now − notFoundTtlMs` is answered without Redis; 0 disables. */
  readonly notFoundTtlMs: number;
  readonly maxNotFound: number;
  readonly staleWhileRevalidate: boolean;
  /** A caller waits at most this long (ms, from the refresh's start) before it gets a `BackendUnavailableError`. */
  readonly maxWaitMs: number;
}

/** One refresh in flight: the read itself, and what callers await (the read, bounded). */
interface Refresh {
  readonly read: Promise<AccountResult>;
  readonly bounded: Promise<AccountResult>;
  readonly expired: () => boolean;
  readonly lateError: () => BackendUnavailableError;
}

/** Reads one account from Redis; `undefined` when the miner does not exist. */
export type AccountLoader = (login: string, updatedAt: number) => Promise<Account | undefined>;

/** Sizes of the account cache, for metrics and tests. */
export interface AccountCacheSizes extends AccountWindowSizes {
  /** Cached accounts (≤ `maxAccounts`). */
  readonly accounts: number;
  /** Remembered "not found" answers (≤ `maxNotFound`). */
  readonly notFound: number;
  /** Refreshes running now (at most one per login). */
  readonly inFlight: number;
}

/** What the account cache answered since it was made, for metrics: cumulative counts. */
export interface AccountCacheCounts {
  /** Answers from memory: a fresh entry, a stale one served while it refreshes, a remembered "not found". */
  readonly hits: number;
  /** Answers that needed Redis (a refresh started, or joined). */
  readonly misses: number;
  /** Answers "no such miner", from memory or from Redis. */
  readonly notFound: number;
}

/**
 * The per-login account cache: the original's `miners map[string]*Entry` without its
 * global lock and unbounded growth.
 *
 * - Single flight: one refresh per login at a time; concurrent callers share its promise.
 *   No lock is held, so logins never wait on each other.
 * - Bounded: at most `maxAccounts` entries and `maxNotFound` "not found" answers, least
 *   recently used out first (a `Map` keeps insertion order; a hit re-inserts); entries
 *   older than `maxAgeMs` are swept once per `freshMs`.
 * - Stale-while-revalidate (optional): a stale entry is served at once while one background
 *   refresh runs; that refresh's failure goes to `onBackgroundError`, never unhandled.
 * - Bounded waits: a caller waits for a refresh at most `maxWaitMs` from its start, then
 *   gets a `BackendUnavailableError` (a 503), and later callers get it at once while that
 *   refresh still hangs; the refresh itself goes on (bounded by the connection's command
 *   timeout) and stores its result when it lands.
 *
 * Logins must already be normalized (lower-cased).
 * @internal
 */
export class AccountCache {
  private readonly entries = new Map<string, Account>();
  private readonly notFound = new Map<string, number>();
  private readonly inFlight = new Map<string, Refresh>();
  private lastSweepAt: number;
  private readonly counts = { hits: 0, misses: 0, notFound: 0 };

  constructor(
    private readonly settings: AccountCacheSettings,
    private readonly load: AccountLoader,
    private readonly onBackgroundError: (login: string, error: unknown, at: number) => void,
  ) {
    this.lastSweepAt = settings.now();
  }

  /** The account of `login`, from the cache when fresh enough, else from one shared refresh. */
  get(login: string): Promise<AccountResult> {
    const { now: clock, freshMs, maxAgeMs, notFoundTtlMs, staleWhileRevalidate } = this.settings;
    const now = clock();
    this.sweepIfDue(now);
    const entry = this.entries.get(login);
    if (entry !== undefined) {
      if (entry.updatedAt >= now - freshMs) {
        this.counts.hits++;
        touch(this.entries, login, entry);
        return Promise.resolve(found(entry, false));
      }
      if (staleWhileRevalidate && entry.updatedAt >= now - maxAgeMs) {
        this.counts.hits++;
        touch(this.entries, login, entry);
        this.refreshInBackground(login);
        return Promise.resolve(found(entry, true));
      }
    } else {
      const checkedAt = this.notFound.get(login);
      if (checkedAt !== undefined && checkedAt >= now - notFoundTtlMs) {
        this.counts.hits++;
        this.counts.notFound++;
        touch(this.notFound, login, checkedAt);
        return Promise.resolve(notFound(login, checkedAt));
      }
    }
    this.counts.misses++;
    return this.refresh(login).then((result) => {
      if (!result.found) this.counts.notFound++;
      return result;
    });
  }

  /** Current sizes (the held windows are counted by their own keeper). */
  sizes(): Omit<AccountCacheSizes, keyof AccountWindowSizes> {
    return { accounts: this.entries.size, notFound: this.notFound.size, inFlight: this.inFlight.size };
  }

  /** What it answered so far. */
  answers(): AccountCacheCounts {
    return { ...this.counts };
  }

  /** Resolves once every refresh running now has settled (never rejects). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()].map((refresh) => refresh.read));
  }

  /** Joins the login's running refresh, or starts one; bounded by `maxWaitMs` from its start. */
  private refresh(login: string): Promise<AccountResult> {
    const running = this.inFlight.get(login) ?? this.start(login);
    return running.expired() ? Promise.reject(running.lateError()) : running.bounded;
  }

  private start(login: string): Refresh {
    // The original captures the time before its Redis calls: an entry is never newer than its data.
    const updatedAt = this.settings.now();
    const read: Promise<AccountResult> = this.load(login, updatedAt)
      .then((account) => this.store(login, account, updatedAt))
      .finally(() => {
        if (this.inFlight.get(login)?.read === read) this.inFlight.delete(login);
      });
    const { maxWaitMs } = this.settings;
    const lateError = (): BackendUnavailableError =>
      new BackendUnavailableError("getAccount", `no reply within ${maxWaitMs} ms`);
    const limit = deadline(read, maxWaitMs, lateError);
    const bounded = Promise.race([read, limit.late]);
    bounded.catch(() => undefined); // a background refresh has no caller: its failure is reported from `read`
    const refresh: Refresh = { read, bounded, expired: limit.expired, lateError };
    this.inFlight.set(login, refresh);
    return refresh;
  }

  private refreshInBackground(login: string): void {
    if (this.inFlight.has(login)) return;
    const at = this.settings.now();
    this.start(login).read.catch((error: unknown) => this.onBackgroundError(login, error, at));
  }

  /** Records a successful refresh (failures never reach here: they leave the cache as it was). */
  private store(login: string, account: Account | undefined, checkedAt: number): AccountResult {
    const { maxAccounts, maxNotFound, notFoundTtlMs } = this.settings;
    if (account === undefined) {
      this.entries.delete(login);
      if (notFoundTtlMs > 0) setBounded(this.notFound, login, checkedAt, maxNotFound);
      return notFound(login, checkedAt);
    }
    deepFreeze(account);
    this.notFound.delete(login);
    setBounded(this.entries, login, account, maxAccounts);
    return found(account, false);
  }

  /** Drops expired entries and answers, at most once per `freshMs` (O(size), amortized). */
  private sweepIfDue(now: number): void {
    const { freshMs, maxAgeMs, notFoundTtlMs } = this.settings;
    if (now - this.lastSweepAt < freshMs) return;
    this.lastSweepAt = now;
    for (const [login, entry] of this.entries) if (entry.updatedAt < now - maxAgeMs) this.entries.delete(login);
    for (const [login, checkedAt] of this.notFound) if (checkedAt < now - notFoundTtlMs) this.notFound.delete(login);
  }
}

function found(account: Account, stale: boolean): AccountResult {
  return Object.freeze({ found: true, account, stale });
}

function notFound(login: string, checkedAt: number): AccountResult {
  return Object.freeze({ found: false, login, checkedAt });
}

/** Moves `key` to the most recently used end. */
function touch<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

/** Sets `key` as the most recently used, then drops the least recently used beyond `max`. */
function setBounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  touch(map, key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}
