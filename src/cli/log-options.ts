import { parseDuration } from "../go/duration.js";
import { CliError } from "./cli-error.js";
import type { OptionValues } from "./command-spec.js";
import type { LogFormat } from "./log-format.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";

/** The log options every command takes, checked. @internal */
export interface LogOptions {
  readonly level: LogLevel;
  /** `undefined`: pretty on a terminal, JSON otherwise. */
  readonly format: LogFormat | undefined;
  /** The least time between two lines of one repeated failure. */
  readonly repeatMs: number;
}

/** Reads `--log-level`, `--log-format` and `--log-repeat`; a bad value is a usage error (exit code 2). @internal */
export function logOptions(values: OptionValues): LogOptions {
  const level = (values["log-level"] ?? "info") as string;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new CliError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`, 2);
  }
  const format = values["log-format"] as string | undefined;
  if (format !== undefined && format !== "json" && format !== "pretty") {
    throw new CliError(`--log-format must be json or pretty, got ${JSON.stringify(format)}`, 2);
  }
  const repeat = (values["log-repeat"] ?? "1m") as string;
  let repeatMs: number;
  try {
    repeatMs = parseDuration(repeat);
  } catch {
    throw new CliError(`--log-repeat must be a duration such as 30s or 1m, got ${JSON.stringify(repeat)}`, 2);
  }
  return { level: level as LogLevel, format, repeatMs };
}
