import { get as httpGet, type IncomingMessage } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { StatsCache } from "../../src/cache/stats-cache.js";
import { type ApiServer, type ApiServerOptions, createApiServer } from "../../src/http/api-server.js";
import { EVENT_STREAM_HEADERS, snapshotEventFrame } from "../../src/http/event-stream.js";
import type { StatsSnapshot } from "../../src/model/snapshot.js";
import { request } from "../support/http.js";
import { useRedis } from "../support/redis.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";
import { until } from "../support/wait.js";
import { seedWidePool } from "./support/wide-pool.js";

failOnUnhandledRejections();
const { redis, prefix } = useRedis();
let cache: StatsCache;
const servers: ApiServer[] = [];
const clients: { destroy(): void }[] = [];

/** A pool collected every 100 ms: new snapshots keep coming. */
beforeAll(async () => {
  const p = prefix();
  await seedWidePool(redis, p, 50, Date.now());
  cache = new StatsCache(new RedisStatsBackend(redis, { prefix: p }), {
    statsCollectInterval: "100ms",
    purgeInterval: "1h",
  });
  await cache.start();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.shutdown(100)));
});
afterAll(() => cache.stop());

async function start(options: ApiServerOptions = {}): Promise<{ server: ApiServer; port: number }> {
  const server = createApiServer(cache, options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** An EventSource-like reader: every frame as text, as it arrives. */
function subscribe(port: number): Promise<{ res: IncomingMessage; frames: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: "127.0.0.1", port, path: "/api/events", agent: false }, (res) => {
      const frames: string[] = [];
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        let end = text.indexOf("\n\n");
        while (end >= 0) {
          frames.push(text.slice(0, end));
          text = text.slice(end + 2);
          end = text.indexOf("\n\n");
        }
      });
      res.on("error", () => {});
      resolve({ res, frames });
    });
    clients.push(req);
    req.on("error", reject);
  });
}

const snapshotFrames = (frames: readonly string[]) => frames.filter((frame) => frame.includes("event: snapshot"));

describe("GET /api/events: one small event per snapshot", () => {
  it("sends the current snapshot at once, then each new one, and heartbeats", async () => {
    const { server, port } = await start({ events: { heartbeatMs: 50 } });
    const { res, frames } = await subscribe(port);
    expect(res.statusCode).toBe(200);
    for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS))
      expect(res.headers[name.toLowerCase()]).toBe(value);
    await until(() => snapshotFrames(frames).length >= 3, "three snapshot events", 5000);
    await until(() => frames.includes(": heartbeat"), "a heartbeat", 5000);
    expect(frames[0]).toBe("retry: 5000");
    const versions = snapshotFrames(frames).map((frame) => Number(/^id: (\d+)$/m.exec(frame)?.[1]));
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1] as number);
    const data = JSON.parse(/^data: (.*)$/m.exec(snapshotFrames(frames).at(-1) as string)?.[1] as string);
    expect(Object.keys(data)).toEqual(["version", "collectedAt", "hashrate", "minersTotal"]);
    expect(data.minersTotal).toBe(50);
    expect(server.events?.stats()).toMatchObject({ clients: 1, dropped: 0 });
  });

  it("writes the hashrate with every digit", () => {
    const snapshot = {
      version: 7,
      collectedAt: 1_700_000_000_123.9,
      stats: { hashrate: 2n ** 70n + 1n, minersTotal: 3 },
    } as unknown as StatsSnapshot;
    expect(snapshotEventFrame(snapshot)).toBe(
      `id: 7\nevent: snapshot\ndata: {"version":7,"collectedAt":1700000000123,"hashrate":${2n ** 70n + 1n},"minersTotal":3}\n\n`,
    );
  });

  it("drops a client that does not read once more than maxBufferedBytes wait for it; a reader gets every frame", async () => {
    const maxBufferedBytes = 16 * 1024;
    const { server, port } = await start({ events: { maxBufferedBytes, heartbeatMs: 60_000 } });
    const reader = await subscribe(port);
    const slow = connect(port, "127.0.0.1");
    slow.on("error", () => {});
    clients.push(slow);
    slow.write("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n");
    slow.pause(); // reads nothing, ever
    const events = server.events;
    if (events === undefined) throw new Error("no event stream");
    await until(() => events.stats().clients === 2, "both clients", 5000);
    const snapshot = cache.snapshot as StatsSnapshot;
    let published = 0;
    // Frames well beyond what the kernel's buffers take for the silent client, a batch per turn.
    while (published < 200_000 && events.stats().dropped === 0) {
      for (let i = 0; i < 500; i++) events.publish(snapshot);
      published += 500;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect({ ...events.stats(), published }).toMatchObject({ clients: 1, dropped: 1 });
    await until(() => snapshotFrames(reader.frames).length >= published, "every frame at the reader", 20_000);
    expect(reader.res.destroyed).toBe(false);
  });

  it("serves at most maxClients; the next one gets a 503 with Retry-After", async () => {
    const { server, port } = await start({ events: { maxClients: 2 } });
    await subscribe(port);
    await subscribe(port);
    const refused = await request(port, "/api/events");
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(server.events?.stats()).toMatchObject({ clients: 2, refused: 1 });
  });

  it("ends the streams on shutdown; events: false leaves the path to the original's 404", async () => {
    const { server, port } = await start();
    const { res } = await subscribe(port);
    const ended = new Promise((resolve) => res.once("end", resolve));
    const shutdown = server.shutdown("5s");
    await ended;
    await shutdown;
    servers.splice(servers.indexOf(server), 1);
    const { port: other } = await start({ events: false });
    expect((await request(other, "/api/events")).status).toBe(404);
  });
});
