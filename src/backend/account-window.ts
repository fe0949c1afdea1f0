import type { AccountWindow } from "../model/hashrate.js";
import type { Seconds } from "../time/units.js";
import { HashrateWindowReader, type HashrateWindowSource } from "./hashrate-window.js";

/**
 * An account's window: {@link HashrateWindowReader} over `P:hashrate:<login>`, grouped by
 * worker, whose aggregates also sum the small window. Made by `RedisStatsBackend.accountWindow`.
 * @internal
 */
export class AccountWindowReader extends HashrateWindowReader implements AccountWindow {
  constructor(
    source: HashrateWindowSource,
    readonly login: string,
    readonly smallWindowSeconds: Seconds,
    largeWindowSeconds: Seconds,
  ) {
    super(source, largeWindowSeconds, smallWindowSeconds);
  }
}
