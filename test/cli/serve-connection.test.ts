import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { freePort, startRedisServer } from "../../src/testing/redis-server-process.js";
import { logLines, runCli, startCli } from "../support/cli-process.js";
import { configDir, writeConfig } from "../support/config-file.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request } from "../support/http.js";

const dir = configDir("connection");
const scenario = loadGolden("b_small_pool");
const LISTENING = /API listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** Command names Redis ran since the last `CONFIG RESETSTAT`, from INFO commandstats (lower case). */
async function commandsRun(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info("commandstats");
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]));
  return calls;
}

/**
 * `serve` against a Redis that is not right: these run a private redis-server each (they
 * stop it, count its commands or give it a password), so they need redis-server on PATH.
 */
describe.skipIf(!inject("redisServerAvailable"))("serve and its Redis connection, as a child process", () => {
  it("a database the server does not have: exit 1 naming it, and nothing but AUTH/SELECT/PING reached Redis", async () => {
    const server = await startRedisServer({ args: ["--databases", "4", "--requirepass", "right-pass"] });
    const admin = new Redis({ port: server.port, password: "right-pass" });
    try {
      await admin.config("RESETSTAT");
      const config = writeConfig(dir, "wrong-db.json", {
        coin: "eth",
        redis: { endpoint: `127.0.0.1:${server.port}`, password: "right-pass", database: 9 },
      });
      const exit = await runCli(["serve", "--config", config]);
      expect(exit.code).toBe(1);
      const stderr = exit.stderr.trimEnd().split("\n");
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(
        /^open-pool-stats: Redis at redis:\/\/127\.0\.0\.1:\d+\/9 has no database 9 \(.*DB index is out of range.*\)/,
      );
      expect(logLines(exit.stdout).find((line) => line.level === "fatal")?.msg).toMatch(/has no database 9/);
      // What the service sent: its probe's AUTH, SELECT and PING... and not even the PING,
      // since the SELECT failed. No HELLO, CLIENT, INFO, no read, no purge.
      const calls = await commandsRun(admin);
      for (const name of calls.keys()) if (name.startsWith("config")) calls.delete(name); // this test's RESETSTAT
      calls.delete("info"); // and its INFO
      expect([...calls.keys()].sort()).toEqual(["auth", "select"]);
    } finally {
      admin.disconnect();
      await server.stop();
    }
  });

  it("a server restarted with fewer databases: the check after reconnecting stops it, no read or purge on database 0", async () => {
    let server = await startRedisServer({ args: ["--databases", "16"] });
    try {
      const config = writeConfig(dir, "restarted.json", {
        coin: "eth",
        redis: { endpoint: `127.0.0.1:${server.port}`, database: 5 },
        api: { statsCollectInterval: "200ms" },
      });
      const cli = startCli(["serve", "--config", config]);
      await cli.waitFor(/Stats collection finished/);
      await server.stop();
      server = await startRedisServer({ port: server.port, args: ["--databases", "2"] });
      const exit = await cli.exited;
      expect(exit.code).toBe(1);
      expect(exit.stderr).toMatch(/^open-pool-stats: Redis at redis:\/\/127\.0\.0\.1:\d+\/5 has no database 5 /);
      const admin = new Redis({ port: server.port });
      try {
        const calls = await commandsRun(admin);
        calls.delete("info"); // ioredis's ready check, and this test's
        // The handshake (HELLO, SELECT, CLIENT SETINFO) and the check's own SELECT: nothing else.
        expect([...calls.keys()].filter((name) => !/^(hello|select|client\|setinfo)$/.test(name))).toEqual([]);
      } finally {
        admin.disconnect();
      }
    } finally {
      await server.stop();
    }
  });

  it("Redis down at start: serves 503 and the original's empty bodies, then the real ones once Redis starts", async () => {
    const port = await freePort();
    const config = writeConfig(dir, "down.json", {
      coin: "eth",
      redis: { endpoint: `127.0.0.1:${port}` },
      api: { ...scenario.httpConfig, listen: "127.0.0.1:0" },
    });
    const cli = startCli(["serve", "--config", config]);
    const api = Number((await cli.waitFor(LISTENING))[1]);
    await cli.waitFor(/Waiting for Redis at redis:\/\/127\.0\.0\.1:\d+\/0: connect ECONNREFUSED/);
    const health = await request(api, "/health");
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: "no-snapshot", fresh: false });
    expect((await request(api, "/api/miners")).body.toString()).toBe("{}\n");
    expect((await request(api, "/api/blocks")).body.toString()).toBe("{}\n");
    expect((await request(api, "/api/stats")).body.toString()).toBe('{"nodes":null}\n');
    expect((await request(api, "/api/accounts/0x8e550c57631c4743ac80a5441efc6e7cde71d248")).status).toBe(503);

    const server = await startRedisServer({ port });
    try {
      const seed = new Redis(server.url);
      await seedGolden(seed, scenario, "eth");
      await seed.quit();
      await cli.waitFor(/Stats collection finished/);
      expect((await request(api, "/health")).status).toBe(200);
      const blocks = await request(api, "/api/blocks");
      expect(JSON.parse(blocks.body.toString())).toHaveProperty("maturedTotal");
      const exit = await cli.stop("SIGTERM");
      expect(exit.code).toBe(0);
      const lines = logLines(exit.stdout);
      const waiting = lines.filter((line) => line.msg.startsWith("Waiting for Redis"));
      expect(waiting[0]).toMatchObject({ level: "error", code: "ECONNREFUSED", attempt: 1 });
      expect(lines.find((line) => line.msg.startsWith("Redis answers at"))).toMatchObject({ level: "info" });
    } finally {
      await server.stop();
    }
  });

  it("a wrong password: keeps trying with WRONGPASS in every line, never prints the password; REDIS_PASSWORD fixes it", async () => {
    const server = await startRedisServer({ args: ["--requirepass", "the-right-one-9d1e"] });
    try {
      const config = writeConfig(dir, "wrong-pass.json", {
        coin: "eth",
        redis: { endpoint: `127.0.0.1:${server.port}`, password: "a-wrong-one-7c3f" },
        api: { statsCollectInterval: "1s" },
      });
      const cli = startCli(["serve", "--config", config, "--log-repeat", "1s"]);
      const api = Number((await cli.waitFor(LISTENING))[1]);
      await cli.waitFor(/WRONGPASS/);
      await new Promise((resolve) => setTimeout(resolve, 2500)); // several attempts, collapsed
      expect((await request(api, "/api/accounts/0x8e550c57631c4743ac80a5441efc6e7cde71d248")).status).toBe(503);
      const exit = await cli.stop("SIGTERM");
      expect(exit.code).toBe(0);
      const lines = logLines(exit.stdout);
      const failures = lines.filter((line) => line.level === "error");
      expect(failures.length).toBeGreaterThan(0);
      for (const line of failures) expect(line, line.msg).toMatchObject({ code: "WRONGPASS", redisCode: "WRONGPASS" });
      // About 2.5 s of attempts (100 ms doubling to 2 s): more attempts than lines.
      const waiting = failures.filter((line) => line.msg.startsWith("Waiting for Redis"));
      expect(waiting.length).toBeLessThanOrEqual(4);
      expect(waiting.at(-1)?.total as number).toBeGreaterThan(waiting.length);
      for (const text of [exit.stdout, exit.stderr]) {
        expect(text).not.toContain("a-wrong-one-7c3f");
        expect(text).not.toContain("the-right-one-9d1e");
      }
      expect(lines[0]).toMatchObject({ passwordFrom: "redis.password" });

      // The secret from the environment wins over the file.
      const fixed = startCli(["serve", "--config", config], { REDIS_PASSWORD: "the-right-one-9d1e" });
      await fixed.waitFor(/Stats collection finished/);
      const ok = await fixed.stop("SIGTERM");
      expect(ok.code).toBe(0);
      expect(logLines(ok.stdout)[0]).toMatchObject({ passwordFrom: "REDIS_PASSWORD" });
      expect(ok.stdout).not.toContain("the-right-one-9d1e");
    } finally {
      await server.stop();
    }
  });

  it("an outage of 4 s under 200 account requests: a bounded number of lines, each with its code, then one recovery line", async () => {
    let server = await startRedisServer();
    try {
      const config = writeConfig(dir, "outage.json", {
        coin: "eth",
        redis: { endpoint: `127.0.0.1:${server.port}` },
        api: { statsCollectInterval: "1s" },
      });
      const cli = startCli(["serve", "--config", config, "--log-repeat", "1s"]);
      const api = Number((await cli.waitFor(LISTENING))[1]);
      await cli.waitFor(/Stats collection finished/);
      await server.stop();
      const downAt = Date.now();
      let answered503 = 0;
      for (let i = 0; i < 200; i++) {
        const login = `0x${i.toString(16).padStart(40, "0")}`;
        if ((await request(api, `/api/accounts/${login}`)).status === 503) answered503++;
        await new Promise((resolve) => setTimeout(resolve, 15)); // spread over about 4 s
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 4000 - (Date.now() - downAt))));
      const outageSeconds = (Date.now() - downAt) / 1000;
      server = await startRedisServer({ port: server.port });
      await cli.waitFor(/Account reads work again/, 15_000);
      const exit = await cli.stop("SIGTERM");
      expect(answered503).toBe(200);
      const lines = logLines(exit.stdout);
      const account = lines.filter((line) => line.msg.startsWith("Failed to fetch account stats"));
      // The first, then at most one per second: never one per request.
      expect(account.length).toBeGreaterThanOrEqual(1);
      expect(account.length).toBeLessThanOrEqual(2 + Math.ceil(outageSeconds));
      const recovered = lines.find((line) => line.msg.startsWith("Account reads work again"));
      expect(recovered).toMatchObject({ level: "info", failures: 200 });
      // Every error line says why with a code — the socket's or Redis's — never just "no answer".
      const errors = lines.filter((line) => line.level === "error");
      expect(errors.length).toBeLessThan(40);
      for (const line of errors) {
        expect(typeof line.code, line.msg).toBe("string");
        expect(line.code, line.msg).not.toBe("NO_ANSWER");
      }
    } finally {
      await server.stop();
    }
  }, 40_000);
});
