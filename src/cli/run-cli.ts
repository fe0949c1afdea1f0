import { CliError } from "./cli-error.js";
import { type CommandSpec, commandHelp, EXIT_CODES, parseCommand } from "./command-spec.js";
import { COMMANDS, DEMO, SERVE } from "./commands.js";
import { runDemo } from "./demo-command.js";
import { errorMessage } from "./logger.js";
import { packageVersion } from "./package-version.js";
import { runServe } from "./serve-command.js";

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    "open-pool-stats — open-ethereum-pool's API, served from its Redis",
    "",
    "Usage:",
    ...COMMANDS.map((command) => `  open-pool-stats ${command.name.padEnd(width)}${command.summary}`),
    "  open-pool-stats --version",
    "",
    "open-pool-stats <command> --help shows a command's options and defaults.",
    "",
    EXIT_CODES,
    "",
  ].join("\n");
}

/**
 * The command line: parses `argv` (without `node` and the script), runs the command and
 * resolves with the exit code. Errors are printed as one line on `stderr`, never a stack.
 * @internal
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === "--version" || first === "-v") {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (first === "--help" || first === "-h" || (first === "help" && rest.length === 0)) {
      process.stdout.write(usage());
      return 0;
    }
    if (first === "help") return help(rest[0] as string);
    if (first === undefined) throw new CliError("a command is needed: serve or demo", 2);
    const spec = COMMANDS.find((command) => command.name === first);
    if (spec === undefined) {
      throw new CliError(
        first.startsWith("-") ? `the command comes first: serve or demo, got ${first}` : `unknown command: ${first}`,
        2,
      );
    }
    const values = parseCommand(
      spec,
      rest,
      COMMANDS.filter((command) => command !== spec),
    );
    if (values.help === true) {
      process.stdout.write(commandHelp(spec));
      return 0;
    }
    if (spec === SERVE) return await runServe(values, env);
    if (spec === DEMO) return await runDemo(values, env);
    throw new CliError(`unknown command: ${first}`, 2);
  } catch (error) {
    const code = error instanceof CliError ? error.exitCode : 1;
    const line = errorMessage(error).replace(/\s*\n\s*/g, " ");
    process.stderr.write(`open-pool-stats: ${line}${code === 2 ? " (see --help)" : ""}\n`);
    return code;
  }
}

function help(name: string): number {
  const spec: CommandSpec | undefined = COMMANDS.find((command) => command.name === name);
  if (spec === undefined) throw new CliError(`unknown command: ${name}`, 2);
  process.stdout.write(commandHelp(spec));
  return 0;
}
