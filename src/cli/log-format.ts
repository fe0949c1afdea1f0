/** The log's two shapes: pino's JSON lines, or readable lines for a person at a terminal. @internal */
export type LogFormat = "json" | "pretty";

/** The fields pino writes itself, which the readable line shows in its own way. */
const OWN_FIELDS = new Set(["time", "level", "msg"]);

/**
 * One of pino's JSON lines as a readable one, in the original's style:
 * `2024-05-01T12:00:00.000Z Stats collection finished 12ms version=3`, with `ERROR`, `WARN`,
 * `DEBUG` or `FATAL` after the time for those levels (info has none, like the original's
 * lines), and the other fields as `key=value`. A line that is not JSON passes unchanged.
 *
 * (A formatter of a few lines instead of pino-pretty: it would bring a dozen packages to
 * every installation of the library for what a terminal reader needs here.)
 * @internal
 */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === "string" && entry.level !== "info" ? `${entry.level.toUpperCase()} ` : "";
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const text = [`${String(entry.time ?? "")} ${level}${String(entry.msg ?? "")}`, ...fields].join(" ");
  return `${text}\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
