import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, durationSeconds } from "../go/duration.js";
import type { Seconds } from "../time/units.js";

/**
 * The checks of the backend's arguments, each naming the argument in its
 * `InvalidArgumentError`, before any Redis command.
 * @internal
 * @packageDocumentation
 */

/** A hashrate window in whole seconds; zero would divide by zero in the original. */
export function windowSeconds(name: string, value: DurationInput): Seconds {
  const seconds = durationSeconds(value, name);
  if (seconds < 1) throw new InvalidArgumentError(name, "must be at least 1s (the original divides by it)");
  return seconds;
}

/** A row limit: a non-negative integer, 0 meaning all rows (`ZREVRANGE 0 -1`). */
export function rowLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, `must be a non-negative integer (0 = all), got ${String(value)}`);
  }
  return value;
}

export function booleanOption(name: string, value: boolean): boolean {
  if (typeof value !== "boolean") throw new InvalidArgumentError(name, `must be a boolean, got ${String(value)}`);
  return value;
}

export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError(name, `must be a positive integer, got ${String(value)}`);
  return value;
}

export function luckWindows(windows: readonly number[]): number[] {
  if (!Array.isArray(windows) || windows.length === 0) {
    throw new InvalidArgumentError(
      "windows",
      "must list at least one luck window (the original panics on an empty list)",
    );
  }
  return windows.map((w, i) => positiveInteger(`windows[${i}]`, w));
}

export function loginArgument(login: string): string {
  if (typeof login !== "string" || login === "") throw new InvalidArgumentError("login", "must be a non-empty string");
  return login;
}
