import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { escapeGlob } from "../../src/keys/pool-keys.js";
import { freePort, startRedisServer } from "../../src/testing/redis-server-process.js";
import { alive, killAfterTest, logLines, startCli } from "../support/cli-process.js";
import { request } from "../support/http.js";

const ACCOUNT_URL = /(http:\/\/127\.0\.0\.1:(\d+))\/api\/accounts\/(0x[0-9a-f]{40})\n/;

async function json(port: number, path: string): Promise<Record<string, unknown>> {
  const reply = await request(port, path);
  expect(reply.status, path).toBe(200);
  return JSON.parse(reply.body.toString()) as Record<string, unknown>;
}

describe("open-pool-stats demo, as a child process", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(async () => {
    await redis.quit();
  });

  it("on REDIS_URL: a random prefix, a live pool on the port asked for, its keys gone after SIGINT", async () => {
    const port = await freePort();
    const cli = startCli(["demo", "--miners", "5", "--port", String(port), "--log-format", "pretty"], {
      REDIS_URL: inject("redisUrl"),
    });
    const [, , printedPort, login] = await cli.waitFor(ACCOUNT_URL);
    expect(Number(printedPort)).toBe(port);
    const prefix = (/key prefix "(demo-[0-9a-f]{8})"/.exec(cli.stdout()) ?? [])[1] as string;
    expect(prefix).toBeDefined();
    const pattern = `${escapeGlob(prefix)}:*`;
    expect((await redis.scan("0", "MATCH", pattern, "COUNT", 10_000))[1].length).toBeGreaterThan(0);

    const stats = await json(port, "/api/stats");
    expect(stats.minersTotal).toBe(5);
    expect((stats.nodes as { name: string }[]).map((node) => node.name)).toEqual(["backup", "main"]);
    const blocks = await json(port, "/api/blocks");
    expect(blocks.maturedTotal as number).toBeGreaterThan(10); // two hours at one block per 95 s
    expect(Object.keys(blocks.luck as object).length).toBeGreaterThan(0);
    const account = await json(port, `/api/accounts/${login}`);
    expect(account.workersOnline as number).toBeGreaterThan(0);
    expect((await request(port, "/health")).status).toBe(200);

    // Charts on, sampled every 5 s: within seconds both series have the two points the
    // fork's front end needs to draw a line (its Chart.svelte shows nothing with fewer).
    let charts: { x: number; hashrate: number; minersOnline: number }[] = [];
    for (const deadline = Date.now() + 30_000; charts.length < 2 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      charts = (await json(port, "/api/stats")).poolCharts as typeof charts;
    }
    expect(charts.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(charts[0] as object)).toEqual(["hashrate", "minersOnline", "x"]); // Go's sorted map keys
    expect(charts[1]?.x).toBeGreaterThanOrEqual((charts[0]?.x as number) + 5);
    expect(charts.every((point) => point.hashrate > 0 && point.minersOnline === 5)).toBe(true);
    const statsText = (await request(port, "/api/stats")).body.toString();
    expect(statsText).toMatch(/"now":\d+,"poolCharts":\[\{"hashrate":\d+,"minersOnline":5,"x":\d+\},/);
    const withCharts = await json(port, `/api/accounts/${login}`);
    expect(Object.keys(withCharts)[0]).toBe("charts");
    expect((withCharts.charts as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(withCharts.currentHashrateUncertainty).toMatchObject({ shares: expect.any(Number) });
    // And the status page at the root.
    const page = await request(port, "/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body.toString()).toMatch(/^<!doctype html>/);

    const exit = await cli.stop("SIGINT");
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stderr).toBe("");
    expect(exit.stdout).toMatch(/ Stopping the demo \(SIGINT\)\n/);
    expect(exit.stdout).toMatch(new RegExp(` Deleted the demo's \\d+ keys under "${prefix}:"\\n`));
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
      expect(keys).toEqual([]);
      cursor = next;
    } while (cursor !== "0");
  });

  it.skipIf(!inject("redisServerAvailable"))(
    "without REDIS_URL: its own redis-server, stopped with it after --duration",
    async () => {
      const cli = startCli(["demo", "--miners", "3", "--duration", "2", "--log-format", "pretty"], {
        REDIS_URL: undefined,
      });
      const [, base] = await cli.waitFor(ACCOUNT_URL);
      const [, redisPort, pid] = (await cli.waitFor(/redis:\/\/127\.0\.0\.1:(\d+)\/0 \(redis-server pid (\d+)\)/)).map(
        Number,
      );
      killAfterTest(pid as number); // should the demo fail to
      expect(alive(pid as number)).toBe(true);
      const port = Number(new URL(base as string).port);
      expect(((await json(port, "/api/miners")).minersTotal as number) > 0).toBe(true);

      const exit = await cli.exited;
      expect([exit.code, exit.signal]).toEqual([0, null]);
      expect(exit.stdout).toMatch(/ Stopping the demo \(--duration 2\)\n/);
      expect(alive(pid as number)).toBe(false);
      const probe = new Redis({ port: redisPort as number, lazyConnect: true, retryStrategy: () => null });
      probe.on("error", () => {});
      await expect(probe.connect()).rejects.toThrow();
      probe.disconnect();
    },
  );
});

describe.skipIf(!inject("redisServerAvailable"))("the demo on a REDIS_URL with a password", () => {
  it("never prints the password: not in its banner, its lines or its errors", async () => {
    const server = await startRedisServer({ args: ["--requirepass", "demo-secret-5b7a"] });
    try {
      const url = `redis://:demo-secret-5b7a@127.0.0.1:${server.port}`;
      const cli = startCli(["demo", "--miners", "3", "--duration", "2"], { REDIS_URL: url });
      await cli.waitFor(/api\/accounts\/0x/);
      await server.stop(); // a failure while it runs: its error lines must not print it either
      const exit = await cli.exited;
      const lines = logLines(exit.stdout);
      expect(lines.find((line) => /^Demo pool on /.test(line.msg))?.msg).toMatch(
        new RegExp(`^Demo pool on redis://127\\.0\\.0\\.1:${server.port}/0 \\(key prefix "demo-[0-9a-f]{8}"\\)`),
      );
      expect(lines.some((line) => line.level === "error")).toBe(true);
      for (const text of [exit.stdout, exit.stderr]) expect(text).not.toContain("demo-secret-5b7a");
    } finally {
      await server.stop();
    }
  });
});
