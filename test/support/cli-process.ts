import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

/** How a CLI child process ended. */
export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `open-pool-stats` child process (the TypeScript source, through tsx). */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; fails after `ms` or if the process ends first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<CliExit>;
  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<CliExit>;
}

const running = new Set<ChildProcess>();
const leftovers = new Set<number>();

/**
 * Starts the CLI with `args`; `env` entries set to `undefined` are removed from the child's
 * environment. Every child still running after a test is stopped (SIGTERM, then SIGKILL),
 * and so is every process registered with {@link killAfterTest}.
 */
export function startCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  { track = true } = {},
): CliProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (track) running.add(child);
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<CliExit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      // Let the pipes drain before reporting.
      setImmediate(() => {
        for (const watcher of watchers) watcher();
        resolve({ code, signal, stdout: out, stderr: err });
      });
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`)),
          ms,
        );
        const check = (): void => {
          const match = pattern.exec(out);
          if (match !== null) finish(undefined, match);
          else if (ended)
            finish(new Error(`the CLI exited before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
        };
        function finish(error?: Error, match?: RegExpMatchArray): void {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve(match as RegExpMatchArray);
        }
        watchers.add(check);
        check();
      }),
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs the CLI to its end, killing it after `ms`. Not tracked by the after-test cleanup
 * (it cleans up after itself), so concurrent tests can use it.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  ms = 20_000,
): Promise<CliExit> {
  const cli = startCli(args, env, { track: false });
  const timer = setTimeout(() => cli.child.kill("SIGKILL"), ms);
  try {
    return await cli.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A process (e.g. a demo's redis-server) to kill after the test if it still runs. */
export function killAfterTest(pid: number): void {
  leftovers.add(pid);
}

/** Whether process `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const child of [...running]) {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  }
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, "SIGKILL");
  leftovers.clear();
});

/** One JSON log line of the CLI (pino's). */
export interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** The CLI's stdout as JSON log lines; fails on a line that is not one. */
export function logLines(stdout: string): LogLine[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}
