import { pino } from "pino";
import { type LogFormat, prettyLine } from "./log-format.js";

/** Extra structured fields of a log line (`redisCode`, `endpoint`…). @internal */
export type LogFields = Readonly<Record<string, unknown>>;

/** The levels `--log-level` takes, lowest first. @internal */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. @internal */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The command's log: pino underneath, one line per event. @internal */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
}

/** How to build a {@link Logger}. @internal */
export interface LoggerSettings {
  readonly out: NodeJS.WritableStream;
  /** @defaultValue "info" */
  readonly level?: LogLevel;
  /** @defaultValue `"pretty"` when `out` is a terminal, else `"json"` */
  readonly format?: LogFormat;
  /** Texts never to print (passwords): replaced by `***` in every message and field. */
  readonly secrets?: readonly string[];
}

/** Object keys whose values are never printed, whatever they hold. */
const SECRET_KEYS = new Set(["password", "pass", "secret", "token", "auth"]);

/**
 * A pino logger writing to `out` synchronously (a line written is out before the process
 * exits): JSON lines (`{"level":"info","time":"…","msg":"…",…}`) for a supervisor or a
 * log shipper, or the readable form of {@link prettyLine}. Every message and field is
 * scrubbed of the `secrets` and of values under password-like keys.
 * @internal
 */
export function createLogger(settings: LoggerSettings): Logger {
  const { out } = settings;
  const format = settings.format ?? ((out as { isTTY?: boolean }).isTTY === true ? "pretty" : "json");
  const stream = { write: (line: string) => void out.write(format === "pretty" ? prettyLine(line) : line) };
  const base = pino(
    {
      level: settings.level ?? "info",
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  const secrets = (settings.secrets ?? []).filter((secret) => secret.length > 0);
  const scrubText = (text: string): string => secrets.reduce((shown, secret) => shown.split(secret).join("***"), text);
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (typeof value !== "object" || value === null || depth > 4) return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.has(key) ? "***" : scrub(item, depth + 1)]),
    );
  };
  const write =
    (level: Exclude<LogLevel, "silent">) =>
    (message: string, fields?: LogFields): void => {
      const text = scrubText(message.replace(/\s*\n\s*/g, " ")); // one event, one line
      if (fields === undefined) base[level](text);
      else base[level](scrub(fields, 0) as object, text);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    fatal: write("fatal"),
  };
}

/** The message of an error, one line. @internal */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
