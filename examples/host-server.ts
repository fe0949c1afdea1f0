import { createServer, type ServerResponse } from "node:http";
import { Redis } from "ioredis";
import { RedisStatsBackend, SERVICE_REDIS_OPTIONS, StatsCache } from "open-pool-stats";
import {
  type ApiResponse,
  buildAccountResponse,
  buildBlocksResponse,
  buildMinersResponse,
  buildNotFoundResponse,
  buildPaymentsResponse,
  buildStatsResponse,
} from "open-pool-stats/http";

// A host's own server that serves the original API next to its own routes. (For the
// original's routing exactly — percent-decoding, 301s, the health route — use
// createApiRouter(cache) as a catch-all, or createApiHandler(cache) as the whole server.)

// Fail fast while Redis is down (503s) and reconnect by itself.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { ...SERVICE_REDIS_OPTIONS });
const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: "eth" }), { statsCollectInterval: "5s" });
await cache.start(); // waits for the connection (at most one interval): the first snapshot is there at once

/** Writes a builder's response: the exact body bytes, the original's headers. */
function send(res: ServerResponse, response: ApiResponse): void {
  res.writeHead(response.status, { ...response.headers, "Content-Length": String(Buffer.byteLength(response.body)) });
  res.end(response.body);
  if (response.failure) console.warn(`${response.failure.kind}:`, response.failure.error); // e.g. a Redis outage
}

const server = createServer(async (req, res) => {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  try {
    if (path === "/") {
      res.end("<h1>My pool</h1>"); // the host's own pages
    } else if (path === "/api/stats") {
      send(res, await buildStatsResponse(cache)); // nodes read live, the rest serialized once per snapshot
    } else if (path === "/api/miners") {
      send(res, buildMinersResponse(cache));
    } else if (path === "/api/blocks") {
      send(res, buildBlocksResponse(cache));
    } else if (path === "/api/payments") {
      send(res, buildPaymentsResponse(cache));
    } else if (path.startsWith("/api/accounts/")) {
      // The builder applies the original's login pattern itself: a bad login is a 404 without Redis.
      send(res, await buildAccountResponse(cache, path.slice("/api/accounts/".length)));
    } else if (path === "/api/top") {
      // A route of the host's own, from the same snapshot.
      const miners = [...(cache.snapshot?.stats.miners ?? new Map())].sort(([, a], [, b]) => (b.hr > a.hr ? 1 : -1));
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(miners.slice(0, 10).map(([login, miner]) => ({ login, hr: miner.hr.toString() }))));
    } else {
      send(res, buildNotFoundResponse());
    }
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end();
  }
});
server.listen(8080, "127.0.0.1", () => console.log("http://127.0.0.1:8080/api/stats"));

// The same builders on a framework (none of them is a dependency of open-pool-stats):
//
// Fastify
//   app.get("/api/miners", (req, reply) => {
//     const r = buildMinersResponse(cache);
//     reply.code(r.status).headers(r.headers).send(r.body);
//   });
//   const route = createApiRouter(cache); // or the whole original API at once:
//   app.all("/api/*", async (req, reply) => {
//     const r = await route(req.url);
//     reply.code(r.status).headers(r.headers).send(r.body);
//   });
//
// Express (turn its ETag off to keep the original's headers: app.set("etag", false))
//   app.get("/api/accounts/:login", async (req, res) => {
//     const r = await buildAccountResponse(cache, req.params.login);
//     res.status(r.status).set(r.headers).send(r.body);
//   });

process.once("SIGINT", () => {
  server.close();
  void cache.stop().then(() => redis.quit());
});
