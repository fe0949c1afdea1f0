import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatHostPort, parseHostPort } from "../../src/cli/host-port.js";
import { poolConfig } from "../../src/cli/pool-config.js";
import { describeRedis } from "../../src/cli/redis-config.js";
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

/** The example's redis section, as serve reads it. */
const PLAIN = {
  nodes: [{ host: "127.0.0.1", port: 6379 }],
  cluster: false,
  username: undefined,
  password: "",
  passwordFrom: undefined,
  database: 0,
  tls: undefined,
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
    expect(config.redis).toEqual(PLAIN);
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(config.enabled).toBe(true);
    expect(config.api).toBe(EXAMPLE.api); // handed to StatsCache as is
    expect(config.metrics).toBeUndefined();
    // Every field of the original's redis and api sections is used or named as ignored.
    expect(config.ignored).toEqual([{ field: "redis.poolSize", why: expect.stringMatching(/one connection/) }]);
    expect([...config.used].sort()).toEqual(
      [...Object.keys(EXAMPLE.api).map((f) => `api.${f}`), "redis.endpoint", "redis.database", "redis.password"].sort(),
    );
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
    expect(config.redis).toEqual({ ...PLAIN, nodes: [{ host: "redis", port: 6379 }] });
    expect(config.listen).toEqual({ host: undefined, port: 8080 });
    expect(config.enabled).toBeUndefined();
  });

  it("takes TLS from a rediss:// endpoint or redis.tls, never printing the URL's password", () => {
    const config = poolConfig({
      ...EXAMPLE,
      redis: { endpoint: "rediss://ops:s3cret@redis.internal:6380/2" },
    });
    expect(config.redis).toEqual({
      ...PLAIN,
      nodes: [{ host: "redis.internal", port: 6380 }],
      username: "ops",
      password: "s3cret",
      passwordFrom: "redis.endpoint",
      database: 2,
      tls: {},
    });
    expect(describeRedis(config.redis)).toBe("rediss://ops@redis.internal:6380/2");
    const files = poolConfig({ ...EXAMPLE, redis: { endpoint: "127.0.0.1:6379", tls: { ca: "ca.pem" } } });
    expect(files.redis.tls).toEqual({ ca: "ca.pem" });
    expect(describeRedis(files.redis)).toBe("rediss://127.0.0.1:6379/0");
  });

  it("reads a Cluster's nodes from redis.cluster", () => {
    const config = poolConfig({ ...EXAMPLE, redis: { cluster: ["127.0.0.1:7000", "127.0.0.1:7001"], password: "x" } });
    expect(config.redis.cluster).toBe(true);
    expect(config.redis.nodes).toEqual([
      { host: "127.0.0.1", port: 7000 },
      { host: "127.0.0.1", port: 7001 },
    ]);
    expect(describeRedis(config.redis)).toBe("redis://127.0.0.1:7000,127.0.0.1:7001 (Cluster)");
  });

  it("takes REDIS_PASSWORD and REDIS_USERNAME over the file", () => {
    const config = poolConfig(
      { ...EXAMPLE, redis: { ...EXAMPLE.redis, password: "from-file" } },
      { REDIS_PASSWORD: "from-env", REDIS_USERNAME: "svc" },
    );
    expect(config.redis).toMatchObject({ password: "from-env", passwordFrom: "REDIS_PASSWORD", username: "svc" });
    expect(poolConfig({ ...EXAMPLE, redis: { ...EXAMPLE.redis, password: "p" } }, {}).redis.passwordFrom).toBe(
      "redis.password",
    );
  });

  it("names unknown fields of redis and api as ignored, and reads api.metrics", () => {
    const config = poolConfig({ ...EXAMPLE, api: { ...EXAMPLE.api, typo: 1, metrics: { listen: "127.0.0.1:9464" } } });
    expect(config.ignored.map((i) => i.field)).toEqual(["redis.poolSize", "api.typo"]);
    expect(config.metrics).toEqual({ listen: { host: "127.0.0.1", port: 9464 } });
    expect(poolConfig({ ...EXAMPLE, api: { ...EXAMPLE.api, metrics: true } }).metrics).toEqual({ listen: undefined });
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
    ["redis.endpoint", { ...EXAMPLE, redis: { endpoint: "http://127.0.0.1:6379" } }],
    ["redis.endpoint", { ...EXAMPLE, redis: { endpoint: "redis://127.0.0.1:6379/x" } }],
    ["redis.tls", { ...EXAMPLE, redis: { ...EXAMPLE.redis, tls: "yes" } }],
    ["redis.tls.cafile", { ...EXAMPLE, redis: { ...EXAMPLE.redis, tls: { cafile: "x" } } }],
    ["redis.tls.key", { ...EXAMPLE, redis: { ...EXAMPLE.redis, tls: { cert: "c.pem" } } }],
    ["redis.cluster", { ...EXAMPLE, redis: { cluster: [] } }],
    ["redis.cluster[1]", { ...EXAMPLE, redis: { cluster: ["127.0.0.1:7000", "7001"] } }],
    ["redis.database", { ...EXAMPLE, redis: { cluster: ["127.0.0.1:7000"], database: 1 } }],
    ["api.metrics", { ...EXAMPLE, api: { ...EXAMPLE.api, metrics: "on" } }],
    ["api.metrics.port", { ...EXAMPLE, api: { ...EXAMPLE.api, metrics: { port: 9 } } }],
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
    expect(out.join("")).toMatch(/open-pool-stats serve +the original API[\s\S]*open-pool-stats demo/);
    expect(out.join("")).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n[\s\S]* {2}2 /);
  });

  it.each([["serve"], ["demo"]])("%s --help prints its own options, defaults and the exit codes", async (name) => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    expect(await runCli([name, "--help"])).toBe(0);
    const page = out.join("");
    expect(page).toMatch(new RegExp(`^open-pool-stats ${name} — `));
    expect(page).toMatch(/--log-level <level> +.*\(default: info\)/);
    expect(page).toMatch(/Exit codes:/);
    if (name === "serve") expect(page).toMatch(/-c, --config <path>[\s\S]*--ignore-api-enabled[\s\S]*--metrics-listen/);
    else expect(page).toMatch(/--miners <n> +simulated miners, 1 to 10000 \(default: 200\)/);
    expect(page).not.toMatch(name === "serve" ? /--miners/ : /--config/);
  });

  it("api.enabled: false serves nothing, as the original would not (1)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "open-pool-stats-config-")), "config.json");
    writeFileSync(path, JSON.stringify({ ...EXAMPLE, api: { ...EXAMPLE.api, enabled: false } }));
    const { code, lines } = await run(["serve", "--config", path]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `open-pool-stats: ${path}: api.enabled is false, so the original would start no API with this file; set it to true, or pass --ignore-api-enabled\n`,
    ]);
  });

  it.each([
    [[], /a command is needed: serve or demo/],
    [["frobnicate"], /unknown command: frobnicate/],
    [["serve"], /serve needs --config/],
    [["serve", "--nope"], /^open-pool-stats: serve: unknown option --nope \(see --help\)$/],
    [["serve", "--config", "x.json", "extra"], /serve: unexpected argument "extra"/],
    [["serve", "--config", "x.json", "--port", "8080"], /serve: --port is an option of "demo", not of "serve"/],
    [["demo", "--config", "missing.json"], /demo: --config is an option of "serve", not of "demo"/],
    [["serve", "--config"], /serve: --config needs a value <path>/],
    [["serve", "--config", "--no-purge"], /serve: --config needs a value, got the option --no-purge/],
    [["serve", "--no-purge=yes", "-c", "x.json"], /serve: --no-purge takes no value/],
    [["serve", "--config", "/nonexistent/config.json", "--listen", "8080"], /--listen: must be "host:port"/],
    [["serve", "--config", "x.json", "--log-level", "loud"], /--log-level must be one of trace, debug, info/],
    [["serve", "--config", "x.json", "--log-format", "xml"], /--log-format must be json or pretty/],
    [["serve", "--config", "x.json", "--log-repeat", "often"], /--log-repeat must be a duration/],
    [["--config", "x.json", "serve"], /the command comes first: serve or demo, got --config/],
    [["demo", "--miners", "0"], /--miners must be an integer from 1 to 10000/],
    [["demo", "--port", "http"], /--port must be an integer from 0 to 65535/],
    [["demo", "--duration", "-1"], /--duration/],
  ])("%j is one line naming the mistake, exit code 2", async (argv, message) => {
    const { code, lines } = await run(argv);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.trimEnd()).toMatch(message);
    expect(lines[0]).toMatch(/^open-pool-stats: .*\(see --help\)\n$/);
    expect(lines[0]).not.toMatch(/ERR_PARSE_ARGS|To specify a positional|argument missing/); // never Node's text
    expect(code).toBe(2);
  });

  it("a missing config file is a failure (1), not a usage mistake", async () => {
    const { code, lines } = await run(["serve", "--config", "/nonexistent/config.json"]);
    expect(code).toBe(1);
    expect(lines).toEqual(["open-pool-stats: cannot read the config file /nonexistent/config.json: no such file\n"]);
  });
});
