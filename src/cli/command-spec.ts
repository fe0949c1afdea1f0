import { parseArgs } from "node:util";
import { CliError } from "./cli-error.js";

/** One option of a command, as `--help` shows it and `parseArgs` reads it. @internal */
export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: "string" | "boolean";
  /** The value's placeholder in `--help` (`<path>`). */
  readonly value?: string;
  /** What `--help` says the default is. */
  readonly default?: string;
  readonly help: string;
}

/** A command: its options and its `--help` page. @internal */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Paragraphs after the options. */
  readonly notes: readonly string[];
}

/** The exit codes every command documents. @internal */
export const EXIT_CODES = `Exit codes:
  0  stopped by SIGINT/SIGTERM (or --duration), after a graceful stop
  1  a failure: bad config file, Redis database missing, port in use, TLS files unreadable,
     a forced stop (a second signal)
  2  a usage mistake: unknown command or option, a bad option value`;

/** `--help` of a command. @internal */
export function commandHelp(spec: CommandSpec): string {
  const rows = spec.options.map((option) => {
    const flag = `${option.short ? `-${option.short}, ` : "    "}--${option.name}${option.value ? ` ${option.value}` : ""}`;
    const help = option.default === undefined ? option.help : `${option.help} (default: ${option.default})`;
    return { flag, help };
  });
  const width = Math.max(...rows.map((row) => row.flag.length)) + 2;
  const options = rows.map(({ flag, help }) => `  ${flag.padEnd(width)}${help}`);
  return [
    `open-pool-stats ${spec.name} — ${spec.summary}`,
    "",
    `Usage: ${spec.usage}`,
    "",
    "Options:",
    ...options,
    "",
    ...spec.notes.flatMap((note) => [note, ""]),
    EXIT_CODES,
    "",
  ].join("\n");
}

/** Parsed values of a command's options, by name. @internal */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * `node:util` `parseArgs` in strict mode with `spec`'s options only: an option of another
 * command, an unknown option, a missing or unwanted value, or a stray argument is a usage
 * {@link CliError} (exit code 2) naming it in our words, never Node's.
 * @internal
 */
export function parseCommand(spec: CommandSpec, args: readonly string[], others: readonly CommandSpec[]): OptionValues {
  const options = Object.fromEntries(
    spec.options.map((option) => [
      option.name,
      { type: option.type, ...(option.short === undefined ? {} : { short: option.short }) },
    ]),
  );
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) throw error;
    throw new CliError(`${spec.name}: ${mistake(spec, args, others, options)}`, 2, { cause: error });
  }
}

/** Names the first thing strict parsing refused, found again from the tokens. */
function mistake(
  spec: CommandSpec,
  args: readonly string[],
  others: readonly CommandSpec[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>["options"],
): string {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional") return `unexpected argument ${JSON.stringify(token.value)}`;
    if (token.kind !== "option") continue;
    const option = spec.options.find((o) => o.name === token.name || o.short === token.name);
    if (option === undefined) {
      const owner = others.find((other) => other.options.some((o) => o.name === token.name));
      return owner === undefined
        ? `unknown option ${token.rawName}`
        : `${token.rawName} is an option of "${owner.name}", not of "${spec.name}"`;
    }
    if (option.type === "boolean" && token.value !== undefined) return `--${option.name} takes no value`;
    if (option.type === "string") {
      // Non-strict parsing takes the next word as the value even when it is an option.
      const next = token.inlineValue === false ? token.value : undefined;
      if (token.value === undefined) return `--${option.name} needs a value ${option.value ?? ""}`.trimEnd();
      if (next?.startsWith("-")) return `--${option.name} needs a value, got the option ${next}`;
    }
  }
  return "bad arguments";
}
