import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatHostPort, parseHostPort } from "../../src/cli/host-port.js";
import { poolConfig } from "../../src/cli/pool-config.js";
import { runCli } from "../../src/cli/run-cli.js";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";

/** The original's config.example.json, trimmed to what serve reads (plus what it ignores). */
const EXAMPLE = {
  threads: 2,
  coin: "eth",
  name: "main",
  proxy: { enabled: true, listen: "0.0.0.0:8888" },
  api: {
    enabled: true,
    purgeOnly: false,
    purgeInterval: "10m",
    listen: "0.0.0.0:8080",
    statsCollectInterval: "5s",
    hashrateWindow: "30m",
    hashrateLargeWindow: "3h",
    luckWindow: [64, 128, 256],
    payments: 30,
    blocks: 50,
  },
  redis: { endpoint: "127.0.0.1:6379", poolSize: 10, database: 0, password: "" },
};

function fieldOf(json: unknown): string | undefined {
  try {
    poolConfig(json);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.path;
    throw error;
  }
}

describe("poolConfig: the parts of the original config.json that serve reads", () => {
  it("reads the example config", () => {
    const config = poolConfig(EXAMPLE);
    expect(config.prefix).toBe("eth");
    expect(config.redis).toEqual({ endpoint: { host: "127.0.0.1", port: 6379 }, password: "", database: 0 });
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(config.enabled).toBe(true);
    expect(config.api).toBe(EXAMPLE.api); // handed to StatsCache as is
    expect(config.statusPage).toBe(false); // the original has no page
  });

  it("reads the opt-ins of the api section: statusPage, charts and uncertainty", () => {
    const api = { ...EXAMPLE.api, statusPage: true, charts: { enabled: true, interval: "5m" }, uncertainty: true };
    const config = poolConfig({ ...EXAMPLE, api });
    expect(config.statusPage).toBe(true);
    expect(config.api).toBe(api);
  });

  it("defaults what Go's zero values would be: no password, database 0, enabled unsaid", () => {
    const config = poolConfig({ coin: "etc", redis: { endpoint: "redis:6379" }, api: { listen: ":8080" } });
    expect(config.redis).toEqual({ endpoint: { host: "redis", port: 6379 }, password: "", database: 0 });
    expect(config.listen).toEqual({ host: undefined, port: 8080 });
    expect(config.enabled).toBeUndefined();
  });

  it.each([
    ["coin", { ...EXAMPLE, coin: "" }],
    ["coin", { ...EXAMPLE, coin: undefined }],
    ["redis", { ...EXAMPLE, redis: undefined }],
    ["api", { ...EXAMPLE, api: [] }],
    ["redis.endpoint", { ...EXAMPLE, redis: { endpoint: "localhost" } }],
    ["redis.endpoint", { ...EXAMPLE, redis: { endpoint: "localhost:99999" } }],
    ["redis.password", { ...EXAMPLE, redis: { ...EXAMPLE.redis, password: 5 } }],
    ["redis.database", { ...EXAMPLE, redis: { ...EXAMPLE.redis, database: -1 } }],
    ["api.enabled", { ...EXAMPLE, api: { ...EXAMPLE.api, enabled: "yes" } }],
    ["api.listen", { ...EXAMPLE, api: { ...EXAMPLE.api, listen: "8080" } }],
    ["api.listen", { ...EXAMPLE, api: { ...EXAMPLE.api, listen: undefined } }],
    ["api.hashrateWindow", { ...EXAMPLE, api: { ...EXAMPLE.api, hashrateWindow: "30x" } }],
    ["api.payments", { ...EXAMPLE, api: { ...EXAMPLE.api, payments: -1 } }],
    ["api.luckWindow[1]", { ...EXAMPLE, api: { ...EXAMPLE.api, luckWindow: [64, 0] } }],
    ["api.statusPage", { ...EXAMPLE, api: { ...EXAMPLE.api, statusPage: "yes" } }],
    ["api.charts.interval", { ...EXAMPLE, api: { ...EXAMPLE.api, charts: { enabled: true, interval: "often" } } }],
    ["api.charts.retention", { ...EXAMPLE, api: { ...EXAMPLE.api, charts: { interval: "1h", retention: "1m" } } }],
    ["api.uncertainty", { ...EXAMPLE, api: { ...EXAMPLE.api, uncertainty: 1 } }],
    ["(the file)", [EXAMPLE]],
  ])("names %s when it is wrong", (field, json) => {
    expect(fieldOf(json)).toBe(field);
  });
});

describe("host:port, Go's way", () => {
  it.each([
    ["0.0.0.0:8080", { host: "0.0.0.0", port: 8080 }],
    [":8080", { host: undefined, port: 8080 }],
    ["[::1]:6379", { host: "::1", port: 6379 }],
    ["localhost:0", { host: "localhost", port: 0 }],
  ])("%j", (text, parsed) => {
    expect(parseHostPort("f", text)).toEqual(parsed);
  });

  it.each(["8080", "::1:8080", "host:", "host:http", "host:65536", "[::1:80", ""])("refuses %j", (text) => {
    expect(() => parseHostPort("f", text)).toThrow(InvalidArgumentError);
  });

  it("prints IPv6 hosts in brackets", () => {
    expect(formatHostPort("::1", 80)).toBe("[::1]:80");
    expect(formatHostPort("127.0.0.1", 80)).toBe("127.0.0.1:80");
    expect(formatHostPort(undefined, 80)).toBe(":80");
  });
});

/** Runs the command line in process, capturing stderr (these cases stop before anything starts). */
async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { code: await runCli(argv), lines };
  } finally {
    vi.restoreAllMocks();
  }
}

describe("runCli: mistakes are one line, before anything starts", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("--help prints the usage on stdout and exits 0", async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    expect(await runCli(["--help"])).toBe(0);
    expect(out.join("")).toMatch(/open-pool-stats serve --config <config.json>[\s\S]*open-pool-stats demo/);
  });

  it("api.enabled: false serves nothing, as the original would not (1)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "open-pool-stats-config-")), "config.json");
    writeFileSync(path, JSON.stringify({ ...EXAMPLE, api: { ...EXAMPLE.api, enabled: false } }));
    const { code, lines } = await run(["serve", "--config", path]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `open-pool-stats: ${path}: api.enabled is false, so the original would start no API with this file; set it to true to serve\n`,
    ]);
  });

  it.each([
    [[], /a command is needed: serve or demo/],
    [["frobnicate"], /unknown command: frobnicate/],
    [["serve"], /serve needs --config/],
    [["serve", "--nope"], /--nope/],
    [["serve", "--config", "x.json", "extra"], /unexpected argument: extra/],
    [["serve", "--config", "/nonexistent/config.json", "--listen", "8080"], /cannot read the config file/],
    [["demo", "--miners", "0"], /--miners must be an integer from 1 to 10000/],
    [["demo", "--port", "http"], /--port must be an integer from 0 to 65535/],
    [["demo", "--duration", "-1"], /--duration|-1/],
  ])("%j", async (argv, message) => {
    const { code, lines } = await run(argv);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/^open-pool-stats: .*\n$/);
    expect(code).toBe(/cannot read/.test(String(lines[0])) ? 1 : 2);
  });
});
