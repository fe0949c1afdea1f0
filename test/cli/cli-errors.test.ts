import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/testing/redis-server-process.js";
import { type CliExit, runCli } from "../support/cli-process.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(join(tmpdir(), "open-pool-stats-cli-"));

/** A config.json like the original's example, with `api` fields replaced. */
function configFile(name: string, patch: (config: Record<string, Record<string, unknown>>) => void): string {
  const config: Record<string, Record<string, unknown>> = {
    redis: { endpoint: "127.0.0.1:6379", password: "", database: 0, poolSize: 10 },
    api: { enabled: true, listen: "127.0.0.1:0", statsCollectInterval: "5s", hashrateWindow: "30m" },
  };
  patch(config);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ coin: "eth", ...config }));
  return path;
}

/** One line on stderr, no stack trace, nothing on stdout. */
function oneLine(exit: CliExit, code: number): string {
  expect(exit.code, exit.stderr).toBe(code);
  expect(exit.stdout).toBe("");
  const lines = exit.stderr.trimEnd().split("\n");
  expect(lines, exit.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^open-pool-stats: /);
  expect(exit.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

/**
 * The real command as a child process, for the failures an operator meets first. (Usage
 * mistakes and the validation of each field are tested in process, in pool-config.test.ts.)
 */
describe.concurrent("serve's start-up failures: one line on stderr, a non-zero exit code", () => {
  it("a missing config file", async () => {
    const missing = join(dir, "missing.json");
    expect(oneLine(await runCli(["serve", "--config", missing]), 1)).toBe(
      `open-pool-stats: cannot read the config file ${missing}: no such file`,
    );
  });

  it("a config file that is not JSON", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{ "coin": "eth", ');
    expect(oneLine(await runCli(["serve", "-c", bad]), 1)).toMatch(/bad\.json is not valid JSON: /);
  });

  it("a bad duration, named as config.json spells it", async () => {
    const duration = configFile("duration.json", (c) => {
      c.api = { ...c.api, hashrateWindow: "30x" };
    });
    expect(oneLine(await runCli(["serve", "--config", duration]), 1)).toMatch(
      /duration\.json: api\.hashrateWindow: invalid duration "30x"/,
    );
  });

  it("a port in use fails at once, before any Redis attempt (here Redis is not even there)", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const apiPort = (taken.address() as AddressInfo).port;
      const redisPort = await freePort();
      const busy = configFile("busy.json", (c) => {
        c.redis = { endpoint: `127.0.0.1:${redisPort}` };
        c.api = { ...c.api, listen: `127.0.0.1:${apiPort}` };
      });
      const exit = await runCli(["serve", "--config", busy]);
      expect(exit.code).toBe(1);
      expect(exit.stderr).toBe(
        `open-pool-stats: cannot listen on 127.0.0.1:${apiPort}: listen EADDRINUSE: address already in use 127.0.0.1:${apiPort}\n`,
      );
      expect(exit.stdout).not.toMatch(/Waiting for Redis/);
    } finally {
      taken.close();
    }
  });
});

describe.concurrent("the command line's own mistakes, as a child process: one line, exit code 2", () => {
  it.each([
    [["serve", "--config", "x.json", "--miners", "3"], 'serve: --miners is an option of "demo", not of "serve"'],
    [["demo", "--config", "missing.json"], 'demo: --config is an option of "serve", not of "demo"'],
    [["serve", "--port", "abc"], 'serve: --port is an option of "demo", not of "serve"'],
    [["serve", "--listen"], "serve: --listen needs a value <host:port>"],
    [["demo", "--bogus"], "demo: unknown option --bogus"],
    [["demo", "--port", "abc"], '--port must be an integer from 0 to 65535, got "abc"'],
    [["frobnicate"], "unknown command: frobnicate"],
  ])("%j", async (args, message) => {
    const exit = await runCli(args);
    expect(oneLine(exit, 2)).toBe(`open-pool-stats: ${message} (see --help)`);
  });

  it("--version prints the package's version and exits 0", async () => {
    const exit = await runCli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect([exit.code, exit.stdout, exit.stderr]).toEqual([0, `${pkg.version}\n`, ""]);
  });

  it("serve --help: its options with their defaults, and the exit codes", async () => {
    const exit = await runCli(["serve", "--help"]);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^open-pool-stats serve — /);
    expect(exit.stdout).toMatch(/--listen <host:port> +where to serve the API \(default: api\.listen\)/);
    expect(exit.stdout).toMatch(/Exit codes:\n {2}0 /);
  });
});
