import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { freePort, startRedisServer } from "../../src/testing/redis-server-process.js";
import { type CliProcess, logLines, startCli } from "../support/cli-process.js";
import { clusterSkipReason, useTestCluster } from "../support/cluster.js";
import { configDir, writeConfig } from "../support/config-file.js";
import { loadGolden, seedGolden } from "../support/golden.js";
import { request } from "../support/http.js";
import { uniquePrefix } from "../support/redis.js";
import { makeTlsFiles } from "../support/tls-files.js";

const scenario = loadGolden("b_small_pool");
const LISTENING = /API listening on http:\/\/127\.0\.0\.1:(\d+)/;
const sha256 = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

/** The API's port once the first snapshot is there. */
async function servedPort(cli: CliProcess): Promise<number> {
  const port = Number((await cli.waitFor(LISTENING))[1]);
  await cli.waitFor(/Stats collection finished/);
  return port;
}

/** The golden pool's clock-free bodies, byte for byte. */
async function expectGoldenBodies(port: number): Promise<void> {
  for (const path of ["/api/blocks", "/api/payments"]) {
    const reply = await request(port, path);
    expect(reply.status, path).toBe(200);
    expect(sha256(reply.body), path).toBe(scenario.http[path]?.bodySha256);
  }
}

describe.skipIf(!inject("redisServerAvailable"))("serve over TLS, from config.json", () => {
  it("redis.tls with a CA and a client certificate (paths relative to config.json), against redis-server --tls-port", async () => {
    const dir = configDir("tls");
    const files = await makeTlsFiles(dir);
    const port = await freePort();
    const server = await startRedisServer({
      args: [
        ...["--port", "0", "--tls-port", String(port)],
        ...["--tls-cert-file", files.serverCert, "--tls-key-file", files.serverKey, "--tls-ca-cert-file", files.ca],
        ...["--tls-auth-clients", "yes"],
      ],
    });
    const tls = {
      ca: readFileSync(files.ca),
      cert: readFileSync(files.clientCert),
      key: readFileSync(files.clientKey),
    };
    const seed = new Redis({ host: "127.0.0.1", port, tls });
    try {
      await seedGolden(seed, scenario, "eth");
      const config = writeConfig(dir, "config.json", {
        coin: "eth",
        redis: { endpoint: `127.0.0.1:${port}`, tls: { ca: "ca.pem", cert: "client.pem", key: "client.key" } },
        api: { ...scenario.httpConfig, listen: "127.0.0.1:0" },
      });
      const cli = startCli(["serve", "--config", config]);
      await expectGoldenBodies(await servedPort(cli));
      const exit = await cli.stop("SIGTERM");
      expect(exit.code).toBe(0);
      expect(logLines(exit.stdout)[0]).toMatchObject({ endpoint: `rediss://127.0.0.1:${port}/0`, tls: true });

      // Without the client certificate the server refuses the handshake: logged with its code, retried.
      const noCert = writeConfig(dir, "no-cert.json", {
        coin: "eth",
        redis: { endpoint: `rediss://127.0.0.1:${port}`, tls: { ca: "ca.pem" } },
      });
      const refused = startCli(["serve", "--config", noCert]);
      await refused.waitFor(/Waiting for Redis at rediss:/);
      const down = await refused.stop("SIGTERM");
      const waiting = logLines(down.stdout).find((line) => line.msg.startsWith("Waiting for Redis"));
      expect(waiting?.code).toEqual(expect.any(String));
      expect(waiting?.code).not.toBe("NO_ANSWER");
    } finally {
      seed.disconnect();
      await server.stop();
    }
  });
});

describe.skipIf(clusterSkipReason() !== undefined)("serve on a Redis Cluster, from config.json's redis.cluster", () => {
  const cluster = useTestCluster();

  it("serves the golden pool under a hash-tagged prefix, byte for byte", async () => {
    const prefix = uniquePrefix("c", true);
    await seedGolden(cluster.current.client, scenario, prefix);
    const dir = configDir("cluster");
    const config = writeConfig(dir, "config.json", {
      coin: prefix,
      redis: { cluster: cluster.current.masters.map((node) => `127.0.0.1:${node.port}`) },
      api: { ...scenario.httpConfig, listen: "127.0.0.1:0" },
    });
    const cli = startCli(["serve", "--config", config]);
    const port = await servedPort(cli);
    await expectGoldenBodies(port);
    const stats = JSON.parse((await request(port, "/api/stats")).body.toString()) as { nodes: { name: string }[] };
    expect(stats.nodes.map((node) => node.name)).toEqual(["backup", "main"]);
    const exit = await cli.stop("SIGTERM");
    expect(exit.code).toBe(0);
    const lines = logLines(exit.stdout);
    expect(lines[0]).toMatchObject({ cluster: true, database: 0 });
    expect(lines[0]?.endpoint).toMatch(/^redis:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(Cluster\)$/);
    expect(lines.some((line) => line.level === "warn")).toBe(false); // a tagged prefix: no advice needed
    expect(lines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("advises a hash tag for an untagged prefix, and still serves it (reads split per slot)", async () => {
    const prefix = uniquePrefix("c");
    await seedGolden(cluster.current.client, scenario, prefix);
    const config = writeConfig(configDir("cluster"), "untagged.json", {
      coin: prefix,
      redis: { cluster: [`127.0.0.1:${cluster.current.masters[0]?.port}`] },
      api: { ...scenario.httpConfig, listen: "127.0.0.1:0" },
    });
    const cli = startCli(["serve", "--config", config]);
    await expectGoldenBodies(await servedPort(cli));
    const exit = await cli.stop("SIGTERM");
    expect(logLines(exit.stdout).find((line) => line.level === "warn")?.msg).toMatch(/has no hash tag/);
  });
});
