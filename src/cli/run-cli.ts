import { parseArgs } from "node:util";
import { CliError } from "./cli-error.js";
import { runDemo } from "./demo-command.js";
import { errorMessage } from "./logger.js";
import { runServe } from "./serve-command.js";

const USAGE = `open-pool-stats — open-ethereum-pool's API, served from its Redis

Usage:
  open-pool-stats serve --config <config.json> [--listen <host:port>] [--no-purge]
      Serve the original API (/api/stats, /api/miners, /api/blocks, /api/payments,
      /api/accounts/<login>, plus /health) from the pool's own config.json: "coin" is
      the key prefix; "redis" and the "api" section (listen, intervals, windows,
      purgeOnly) are read as the original reads them. --listen overrides api.listen.
      --no-purge never purges: for an instance reading a read-only replica while a
      purgeOnly instance purges on the master.

  open-pool-stats demo [--port <n>] [--miners <n>] [--duration <seconds>]
      Run a simulated pool (history, live shares, blocks, payouts) and serve its API on
      127.0.0.1. Uses REDIS_URL under a random key prefix (deleted on exit), or starts a
      throwaway redis-server from PATH. Defaults: a free port, 200 miners, until Ctrl+C.

  open-pool-stats --help

SIGINT or SIGTERM stops either command gracefully (exit code 0); a second one forces it.`;

/**
 * The command line: parses `argv` (without `node` and the script), runs the command and
 * resolves with the exit code. Errors are printed as one line on `stderr`, never a stack.
 * @internal
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        config: { type: "string", short: "c" },
        listen: { type: "string" },
        "no-purge": { type: "boolean" },
        port: { type: "string" },
        miners: { type: "string" },
        duration: { type: "string" },
      },
    });
    const [command, ...extra] = positionals;
    if (values.help === true || command === "help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (extra.length > 0) throw new CliError(`unexpected argument: ${extra[0]}`, 2);
    if (command === "serve")
      return await runServe({ config: values.config, listen: values.listen, purge: values["no-purge"] !== true });
    if (command === "demo")
      return await runDemo({ port: values.port, miners: values.miners, duration: values.duration });
    throw new CliError(command === undefined ? "a command is needed: serve or demo" : `unknown command: ${command}`, 2);
  } catch (error) {
    const usage = (error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS") === true;
    const code = error instanceof CliError ? error.exitCode : usage ? 2 : 1;
    const line = errorMessage(error).replace(/\s*\n\s*/g, " "); // node's own messages span lines
    process.stderr.write(`open-pool-stats: ${line}${code === 2 ? " (see --help)" : ""}\n`);
    return code;
  }
}
