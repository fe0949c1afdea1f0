import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import { startRedisServer } from "../../src/testing/redis-server-process.js";
import { type CliProcess, logLines, startCli } from "../support/cli-process.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request } from "../support/http.js";
import { useRedis } from "../support/redis.js";

const { redis, prefix } = useRedis();
const scenario = loadGolden("b_small_pool");
const dir = mkdtempSync(join(tmpdir(), "open-pool-stats-serve-"));
const [A, B] = ["0x8e550c57631c4743ac80a5441efc6e7cde71d248", "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6"];
const LISTENING = /API listening on http:\/\/127\.0\.0\.1:(\d+)/;
/** serve listens at once; the real bodies come with the first collection. */
const COLLECTED = /Stats collection finished/;

/** The API's port, once the first snapshot is there. */
async function servedPort(cli: CliProcess): Promise<number> {
  const port = Number((await cli.waitFor(LISTENING))[1]);
  await cli.waitFor(COLLECTED);
  return port;
}

/** The pool's config.json as the original reads it, pointing at `redisUrl` under `coin`. */
function configFile(coin: string, api: Record<string, unknown> = {}, redisUrl = inject("redisUrl")): string {
  const url = new URL(redisUrl);
  const path = join(dir, `${coin}.json`);
  const config = {
    coin,
    redis: { endpoint: `${url.hostname}:${url.port || 6379}`, password: "", database: 0, poolSize: 10 },
    api: { ...scenario.httpConfig, listen: "127.0.0.1:0", ...api },
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const sha256 = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

describe("open-pool-stats serve, as a child process", () => {
  it("serves the golden pool from its config.json, then stops on SIGTERM with exit code 0", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const cli = startCli(["serve", "--config", configFile(p)]);
    const port = await servedPort(cli);

    // Blocks and payments do not depend on the clock: the original's exact bytes.
    for (const path of ["/api/blocks", "/api/payments"]) {
      const reply = await request(port, path);
      expect(reply.status, path).toBe(200);
      expect(sha256(reply.body), path).toBe(scenario.http[path]?.bodySha256);
    }
    const stats = JSON.parse((await request(port, "/api/stats")).body.toString()) as { nodes: { name: string }[] };
    expect(stats.nodes.map((node) => node.name)).toEqual(["backup", "main"]);
    expect((await request(port, `/api/accounts/${A}`)).status).toBe(200);
    expect((await request(port, `/api/accounts/0x${"0".repeat(40)}`)).status).toBe(404);
    expect((await request(port, "/health")).status).toBe(200);

    const exit = await cli.stop("SIGTERM");
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stderr).toBe("");
    // stdout is not a terminal: JSON lines (pino), each with a level, an ISO time and a message.
    const lines = logLines(exit.stdout);
    for (const line of lines) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain("Starting API on 127.0.0.1:0");
    expect(messages).toContain("Set stats collect interval to 5s");
    expect(messages).toContain("Set purge interval to 10m0s");
    expect(messages.some((m) => /^Purged stale stats from backend, \d+ shares affected, elapsed time /.test(m))).toBe(
      true,
    );
    const first = lines.find((line) =>
      /^Stats collection finished \S+ \(version 1, \d+ miners, \d+ H\/s\)$/.test(line.msg),
    );
    expect(first).toMatchObject({ level: "info", version: 1 });
    // The start-up line names what runs and against what.
    const url = new URL(inject("redisUrl"));
    expect(lines[0]).toMatchObject({
      level: "info",
      endpoint: `redis://${url.hostname}:${url.port}/0`,
      database: 0,
      prefix: p,
      hashrateWindow: "30m0s",
      listen: "127.0.0.1:0",
      mode: "api",
    });
    expect(lines[1]?.msg).toMatch(/^Config .*: using .*redis\.endpoint.*; ignoring redis\.poolSize \(one connection/);
    expect(messages.at(-2)).toBe("Shutting down (SIGTERM)");
    expect(messages.at(-1)).toBe("Stopped");
  });

  it("takes --listen over api.listen, and stops on SIGINT with exit code 0", async () => {
    const p = prefix();
    const cli = startCli([
      "serve",
      "--config",
      configFile(p, { listen: "0.0.0.0:1" }),
      "--listen",
      "127.0.0.1:0",
      "--log-format",
      "pretty",
    ]);
    const port = await servedPort(cli);
    expect((await request(port, "/api/miners")).body.toString()).toMatch(/^\{"hashrate":0,"miners":\{\},/);
    const exit = await cli.stop("SIGINT");
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stdout).toMatch(/ Shutting down \(SIGINT\)\n/);
  });

  it("in purgeOnly mode purges and serves nothing, as the original", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const cli = startCli(["serve", "--config", configFile(p, { purgeOnly: true }), "--log-format", "pretty"]);
    await cli.waitFor(/ Purged stale stats from backend, \d+ shares affected/);
    const exit = await cli.stop("SIGTERM");
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/ serve: Redis redis:\/\/\S+, database 0, .*, listen none, mode purge-only /);
    expect(exit.stdout).not.toMatch(/API listening|Stats collection/);
  });

  it("with --no-purge serves without ever purging (an instance on a read-only replica)", async () => {
    const p = prefix();
    await seedGolden(redis, scenario, p);
    const before = await redis.zcard(new PoolKeys(p).hashrate());
    const cli = startCli(["serve", "--config", configFile(p, {}), "--no-purge", "--log-format", "pretty"]);
    const port = await servedPort(cli);
    expect((await request(port, "/api/blocks")).status).toBe(200);
    const exit = await cli.stop("SIGTERM");
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/ Purging disabled \(--no-purge\)\n/);
    expect(exit.stdout).not.toMatch(/Purged stale stats/);
    expect(await redis.zcard(new PoolKeys(p).hashrate())).toBe(before); // nothing trimmed
  });

  it.skipIf(!inject("redisServerAvailable"))(
    "rides out a Redis outage: 503 for accounts, nodes null, then recovers on its own",
    async () => {
      let server = await startRedisServer();
      try {
        const seed = new Redis(server.url);
        await seedGolden(seed, scenario, "eth");
        await seed.quit();
        const cli = startCli(["serve", "--config", configFile("eth", {}, server.url), "--log-format", "pretty"]);
        const port = await servedPort(cli);
        expect((await request(port, `/api/accounts/${A}`)).status).toBe(200);

        await server.stop();
        const down = await request(port, `/api/accounts/${B}`);
        expect(down.status).toBe(503);
        expect(down.headers["retry-after"]).toBe("5");
        expect((await request(port, "/api/stats")).body.toString()).toMatch(/"nodes":null/);
        expect((await request(port, "/health")).status).toBe(200); // the last snapshot is still young

        server = await startRedisServer({ port: server.port }); // empty: the outage lost the data
        let status = 0;
        for (let i = 0; i < 100 && status !== 404; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = (await request(port, `/api/accounts/${B}`)).status;
        }
        // Redis answers again (empty): "no such miner", not 503. (A's entry, still fresh,
        // was served from memory all along.)
        expect(status).toBe(404);
        const exit = await cli.stop("SIGTERM");
        expect(exit.code).toBe(0);
        expect(exit.stdout).toMatch(/ERROR Redis connection lost \(redis:\/\/127\.0\.0\.1:\d+\/0\), reconnecting /);
        expect(exit.stdout).toMatch(/Redis connection ready again/);
      } finally {
        await server.stop();
      }
    },
  );
});
