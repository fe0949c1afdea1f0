import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
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
  negotiateResponse,
} from "open-pool-stats/http";

// A host's own server that serves the original API next to its own routes. (For the
// original's routing exactly — percent-decoding, 301s, the health route — use
// createApiRouter(cache) as a catch-all, or createApiHandler(cache) as the whole server.)

// Fail fast while Redis is down (503s) and reconnect by itself.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { ...SERVICE_REDIS_OPTIONS });
const cache = new StatsCache(new RedisStatsBackend(redis, { prefix: "eth" }), { statsCollectInterval: "5s" });
await cache.start(); // waits for the connection (at most one interval): the first snapshot is there at once

/**
 * Writes a builder's response as the request allows: the shared body chunks (or their gzip
 * or brotli form, compressed once per snapshot), or a 304 to a matching If-None-Match; the
 * original's headers and bytes when the client asks for nothing. (Simplest of all:
 * res.writeHead(r.status, r.headers); res.end(r.body).)
 */
function send(req: IncomingMessage, res: ServerResponse, response: ApiResponse): void {
  const out = negotiateResponse(response, req);
  res.writeHead(out.status, out.headers);
  for (const chunk of out.chunks) res.write(chunk);
  res.end();
  if (response.failure) console.warn(`${response.failure.kind}:`, response.failure.error); // e.g. a Redis outage
}

const server = createServer(async (req, res) => {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  try {
    if (path === "/") {
      res.end("<h1>My pool</h1>"); // the host's own pages
    } else if (path === "/api/stats") {
      send(req, res, await buildStatsResponse(cache)); // nodes read live, the rest serialized once per snapshot
    } else if (path === "/api/miners") {
      send(req, res, buildMinersResponse(cache));
    } else if (path === "/api/blocks") {
      send(req, res, buildBlocksResponse(cache));
    } else if (path === "/api/payments") {
      send(req, res, buildPaymentsResponse(cache));
    } else if (path.startsWith("/api/accounts/")) {
      // The builder applies the original's login pattern itself: a bad login is a 404 without Redis.
      send(req, res, await buildAccountResponse(cache, path.slice("/api/accounts/".length)));
    } else if (path === "/api/top") {
      // A route of the host's own, from the same snapshot.
      const miners = [...(cache.snapshot?.stats.miners ?? new Map())].sort(([, a], [, b]) => (b.hr > a.hr ? 1 : -1));
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(miners.slice(0, 10).map(([login, miner]) => ({ login, hr: miner.hr.toString() }))));
    } else {
      send(req, res, buildNotFoundResponse());
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
