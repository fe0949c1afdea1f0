import type { AccountWindow } from "../model/hashrate.js";
import type { StatsBackend } from "../model/seams.js";

/** How many account windows are held, and what they cost. */
export interface AccountWindowSizes {
  /** Account windows held (≤ `maxAccounts`). */
  readonly windows: number;
  /** (worker, second) entries they hold, about 20 bytes each (≤ `maxAccountWindowEntries`). */
  readonly windowEntries: number;
}

/**
 * The accounts' held windows of a `StatsCache`: one per recently refreshed login, so a
 * refresh reads only the shares that changed. Bounded twice: at most `maxWindows` windows
 * and `maxEntries` entries in all, the least recently read out first; a window that alone
 * exceeds the budget is not kept (that account is read in full, as without windows).
 * @internal
 */
export class AccountWindows {
  private readonly windows = new Map<string, AccountWindow>();

  constructor(
    private readonly backend: StatsBackend,
    private readonly smallWindowMs: number,
    private readonly largeWindowMs: number,
    private readonly maxWindows: number,
    private readonly maxEntries: number,
  ) {}

  /** Whether windows are kept at all (the backend makes them, and the budget allows one). */
  get enabled(): boolean {
    return this.backend.accountWindow !== undefined && this.maxEntries > 0 && this.maxWindows > 0;
  }

  /** The login's window, made on first use; `undefined` when windows are off. */
  get(login: string): AccountWindow | undefined {
    if (!this.enabled) return undefined;
    let window = this.windows.get(login);
    if (window === undefined) {
      window = (this.backend.accountWindow as NonNullable<StatsBackend["accountWindow"]>)(
        login,
        this.smallWindowMs,
        this.largeWindowMs,
      );
    } else {
      this.windows.delete(login); // re-inserted below: most recently used last
    }
    this.windows.set(login, window);
    return window;
  }

  /** After a read of `login`'s window: enforces the bounds, newest kept longest. */
  trim(login: string): void {
    let entries = this.entries();
    for (const [other, window] of this.windows) {
      if (this.windows.size <= this.maxWindows && entries <= this.maxEntries) break;
      if (other === login && this.windows.size > 1) continue;
      this.windows.delete(other);
      entries -= window.entries;
    }
    const own = this.windows.get(login);
    if (own !== undefined && own.entries > this.maxEntries) this.windows.delete(login);
  }

  /** Forgets the login's window (a miner that no longer exists). */
  delete(login: string): void {
    this.windows.delete(login);
  }

  sizes(): AccountWindowSizes {
    return { windows: this.windows.size, windowEntries: this.entries() };
  }

  private entries(): number {
    let total = 0;
    for (const window of this.windows.values()) total += window.entries;
    return total;
  }
}
