import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/testing/redis-server-process.js";
import { type CliExit, runCli } from "../support/cli-process.js";

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

  it("an unreachable Redis fails fast, naming the address", async () => {
    const port = await freePort();
    const unreachable = configFile("unreachable.json", (c) => {
      c.redis = { endpoint: `127.0.0.1:${port}` };
    });
    expect(oneLine(await runCli(["serve", "--config", unreachable]), 1)).toMatch(
      new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`),
    );
  });
});
