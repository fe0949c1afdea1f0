import { PoolStatsError, type PoolStatsErrorCode, type PoolStatsErrorOptions } from "./pool-stats-error.js";

/**
 * Bad input, wherever it is checked: a method argument (a zero window, an empty luck
 * window list, a negative row limit, an empty login), a field of the pool's config.json
 * (a bad duration, a luck window of 0), an option of a constructor, a CLI option. Thrown
 * before any Redis command, with the path of the offending value, so a broken config
 * fails at start-up with the field named (the original panics, or misbehaves silently).
 */
export class InvalidArgumentError extends PoolStatsError {
  /**
   * Where the bad value is, as the caller wrote it: an argument (`"window"`,
   * `"windows[2]"`), a config.json field (`"hashrateWindow"`, `"luckWindow[1]"`,
   * `"redis.endpoint"`) or an option (`"maxAccounts"`, `"hashrate.tailChunkSize"`).
   */
  readonly path: string;
  /** What is wrong with the value: the message without its `path: ` prefix. */
  readonly reason: string;

  /**
   * @param path - where the bad value is
   * @param reason - what is wrong with it; the error's message is `path: reason`
   * @param code - for subclasses that keep this shape under a more precise code
   */
  constructor(
    path: string,
    reason: string,
    options?: PoolStatsErrorOptions,
    code: PoolStatsErrorCode = "ERR_INVALID_ARGUMENT",
  ) {
    super(code, `${path}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}
