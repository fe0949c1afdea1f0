import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, type RedisOptions as IoredisOptions, Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RedisStatsBackend } from "../../src/backend/redis-stats-backend.js";
import { poolStatsToGo } from "../../src/entries/json.js";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { CommandFailedError } from "../../src/errors/command-failed-error.js";
import { toGoJson } from "../../src/go/json.js";
import { PoolKeys } from "../../src/keys/pool-keys.js";
import type { MalformedEvent } from "../../src/model/malformed.js";
import { BulkConnection } from "../../src/redis/bulk-connection.js";
import { BulkLink, bulkEndpointOf } from "../../src/redis/bulk-link.js";
import { type BulkMemberSink, readScoreRange } from "../../src/redis/range-reader.js";
import { type RedisServerProcess, startRedisServer } from "../../src/testing/redis-server-process.js";
import { deleteByPrefix, uniquePrefix, useRedis } from "../support/redis.js";
import { makeTlsFiles } from "../support/tls-files.js";
import { failOnUnhandledRejections } from "../support/unhandled-rejections.js";

failOnUnhandledRejections();
/** ioredis's options (its `replyMapping` type does not survive `exactOptionalPropertyTypes` when spread). */
type RedisOptions = Omit<IoredisOptions, "replyMapping">;
const { redis, prefix } = useRedis();
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;

/** `n` shares over the last 30 minutes (2 per login per second or so), plus hostile members. */
async function seedWindow(client: Redis, keys: PoolKeys, n: number, hostile = true): Promise<void> {
  const key = keys.hashrate();
  const batch: (string | Buffer | number)[] = [];
  for (let i = 0; i < n; i++) {
    const login = `0x${(i % 97).toString(16).padStart(40, "0")}`;
    batch.push(NOW_S - (i % 1800), `${i % 13 === 0 ? "4000000000" : "2000000000"}:${login}:w${i % 5}:${i}`);
    if (batch.length >= 2000) await client.zadd(key, ...batch.splice(0));
  }
  if (hostile) {
    batch.push(
      ...[NOW_S - 5, Buffer.from([0x32, 0x3a, 0xff, 0xfe, 0x3a, 0x77, 0x3a, 0x31])], // invalid UTF-8 login
      ...[NOW_S - 6, Buffer.from([0x32, 0x3a, 0xe2, 0x82, 0x3a, 0x77])], // truncated sequence
      ...[NOW_S - 7, "no-colon-at-all"],
      ...[NOW_S - 8, ":empty-diff:w:1"],
      ...[NOW_S - 9, `${"9".repeat(40)}:0xhuge:w:1`],
      ...[NOW_S - 10, "+12:0xsigned:w:1"],
      ...[NOW_S - 11, "-0:0xzero:w:1"],
      ...[NOW_S - 12.5, "7:0xfraction:w:1"],
      ...[NOW_S - 13, "1e3:0xexp:w:1"],
      ...["+inf", "5:0xforever:w:1"],
      ...[NOW_S + 100, "5:0xfuture:w:1"],
      ...[NOW_S - 14, "5:\r\n$3\r\n:w:1"],
    );
  }
  if (batch.length > 0) await client.zadd(key, ...batch);
}

/** Collects once with a fresh backend (cold) and returns the snapshot's JSON, the report and the malformed events. */
async function coldRead(client: Redis, pool: string, bulk: boolean, chunk = 50) {
  const events: MalformedEvent[] = [];
  const backend = new RedisStatsBackend(client, {
    prefix: pool,
    now: () => NOW_MS,
    hashrate: { resyncChunkSize: chunk },
    bulkConnection: bulk,
    onMalformed: (event) => events.push(event),
  });
  try {
    const stats = await backend.collectStats("30m", 50, 30);
    // The bulk connection's entry in CLIENT LIST, while it is open.
    const clients = bulk ? await bulkClients(client) : [];
    return { json: toGoJson(poolStatsToGo(stats)), report: backend.lastHashrateRead, events, clients };
  } finally {
    backend.close();
  }
}

/** Ids of the clients whose last command was a ZRANGE, other than `client` itself. */
async function bulkClients(client: Redis): Promise<string[]> {
  const own = String(await client.client("ID"));
  const list = String(await client.client("LIST"));
  return list
    .split("\n")
    .filter((line) => /cmd=zrange/.test(line) && !line.startsWith(`id=${own} `))
    .map((line) => line);
}

/**
 * Reads `pool` cold through ioredis alone and with the bulk connection: the same bytes,
 * events and counts (slices may be cut differently: three reads in flight instead of two
 * adapt the width later). Returns the bulk connection's CLIENT LIST lines.
 */
async function expectSameThroughBoth(client: Redis, pool: string): Promise<string[]> {
  const viaIoredis = await coldRead(client, pool, false);
  const viaBulk = await coldRead(client, pool, true);
  expect(viaBulk.json).toBe(viaIoredis.json);
  expect(viaBulk.events).toEqual(viaIoredis.events);
  const counts = ({ largestReply, commands, ...rest }: NonNullable<typeof viaBulk.report>) => rest;
  expect(counts(viaBulk.report as NonNullable<typeof viaBulk.report>)).toEqual(
    counts(viaIoredis.report as NonNullable<typeof viaIoredis.report>),
  );
  expect(viaBulk.report?.commands).toBeGreaterThan(5);
  expect(viaBulk.clients.length).toBe(1);
  return viaBulk.clients;
}

describe("the bulk connection", () => {
  it("reads a window with the same snapshot, reports and counts as ioredis, hostile members included", async () => {
    const pool = prefix("bulk");
    await seedWindow(redis, new PoolKeys(pool), 5000);
    await expectSameThroughBoth(redis, pool);
    // no-colon, empty diff, 1e3 diff, +inf score; the rest are readable shares.
    expect((await coldRead(redis, pool, true)).events.map((event) => event.reason).sort()).toEqual([
      "bad-score",
      "not-an-integer",
      "not-an-integer",
      "too-few-fields",
    ]);
  });

  it("reads dense seconds a second at a time without WITHSCORES, with the same results as ioredis", async () => {
    const pool = prefix("dense");
    const keys = new PoolKeys(pool);
    const batch: (string | Buffer | number)[] = [];
    for (let i = 0; i < 30_000; i++) {
      const login = `0x${(i % 211).toString(16).padStart(40, "0")}`;
      batch.push(NOW_S - 60 + (i % 61), `2000000000:${login}:w${i % 3}:${i}`);
      if (batch.length >= 2000) await redis.zadd(keys.hashrate(), ...batch.splice(0));
    }
    // The first page (1,000 members) ends inside a second: the next read starts at a fraction.
    for (let i = 0; i < 1200; i++) batch.push(NOW_S - 61 + (i < 600 ? 0.25 : 0.75), `2000000000:0xearly:w:${i}`);
    // Fractions and hostile members inside the dense seconds, one on a second's boundary.
    batch.push(NOW_S - 30.5, "2000000000:0xfraction:w:1", NOW_S - 30.999, "7:0xlate:w:1", NOW_S - 20, "no-colon");
    batch.push(NOW_S - 10.25, Buffer.from([0x35, 0x3a, 0xff, 0x3a, 0x77]), NOW_S - 9, ":empty:w:1");
    batch.push(NOW_S - 8, `${"9".repeat(30)}:0xhuge:w:1`, NOW_S - 7, "+3:0xsigned:w:1", NOW_S - 6, "5:0xa");
    await redis.zadd(keys.hashrate(), ...batch);
    const sent: string[][] = [];
    const send = BulkConnection.prototype.send;
    BulkConnection.prototype.send = function (this: BulkConnection, ...args: Parameters<typeof send>) {
      sent.push(args[0].map(String));
      return send.apply(this, args);
    };
    try {
      const viaIoredis = await coldRead(redis, pool, false, 1000);
      const viaBulk = await coldRead(redis, pool, true, 1000);
      expect(viaBulk.json).toBe(viaIoredis.json);
      expect(viaBulk.events).toEqual(viaIoredis.events);
      expect(viaBulk.report?.held).toBe(viaIoredis.report?.held);
      expect(viaBulk.report?.verified).toBe(true);
      expect(viaBulk.report?.mode).toBe("cold"); // no repair: nothing read twice or missed
    } finally {
      BulkConnection.prototype.send = send;
    }
    const bySecond = sent.filter((command) => command[0] === "zrange" && !command.includes("WITHSCORES"));
    expect(bySecond.length).toBeGreaterThan(30);
  });

  it("is one socket per backend, opened on the first long read, reused, and ended by close()", async () => {
    const pool = prefix("life");
    await seedWindow(redis, new PoolKeys(pool), 3000, false);
    const client = new Redis(inject("redisUrl"));
    try {
      const backend = new RedisStatsBackend(client, {
        prefix: pool,
        now: () => NOW_MS,
        hashrate: { resyncChunkSize: 100 },
      });
      const window = backend.hashrateWindow("30m");
      const before = (await bulkClients(client)).length;
      await backend.collectStats(window, 50, 30);
      const other = backend.hashrateWindow("30m"); // another window of the same backend
      await backend.collectStats(other, 50, 30);
      const during = await bulkClients(client);
      expect(during.length - before).toBe(1);
      backend.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await bulkClients(client)).length).toBe(before);
      // Reads after close() go through ioredis.
      const again = await backend.collectStats(backend.hashrateWindow("30m"), 50, 30);
      expect(again.minersTotal).toBe(97);
      expect((await bulkClients(client)).length).toBe(before);
    } finally {
      client.disconnect();
    }
  });

  it("applies the client's keyPrefix like ioredis does", async () => {
    const outer = uniquePrefix("kp");
    const pool = "pool";
    const client = new Redis(inject("redisUrl"), { keyPrefix: `${outer}:` });
    try {
      await seedWindow(client, new PoolKeys(pool), 2000);
      await expectSameThroughBoth(client, pool);
    } finally {
      await deleteByPrefix(redis, outer);
      client.disconnect();
    }
  });

  it("is not made for a Cluster, Sentinel or a custom Connector, nor when opted out", () => {
    const lazy = (options: RedisOptions) => new Redis({ lazyConnect: true, ...options });
    expect(bulkEndpointOf(lazy({ sentinels: [{ host: "127.0.0.1", port: 1 }], name: "m" }))).toBeUndefined();
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
    expect(bulkEndpointOf(cluster)).toBeUndefined();
    cluster.disconnect();
    // Any Connector of the host's own (e.g. a tunnel): the bulk connection cannot know where it goes.
    const custom = lazy({ host: "127.0.0.1", Connector: class {} as never });
    expect(bulkEndpointOf(custom)).toBeUndefined();
    custom.disconnect();
    const optedOut = new RedisStatsBackend(lazy({ host: "127.0.0.1" }), { prefix: "x", bulkConnection: false });
    expect((optedOut as unknown as { bulk: unknown }).bulk).toBeUndefined();
    const client = lazy({ host: "127.0.0.1", port: 1234, db: 2, username: "u", password: "p", connectTimeout: 700 });
    expect(bulkEndpointOf(client)).toMatchObject({
      host: "127.0.0.1",
      port: 1234,
      db: 2,
      username: "u",
      password: "p",
      connectTimeoutMs: 700,
      replyTimeoutMs: 700,
    });
    expect(bulkEndpointOf(lazy({ commandTimeout: 250 }))?.replyTimeoutMs).toBe(250);
    expect(() => new RedisStatsBackend(client, { prefix: "x", bulkConnection: { maxReplyBytes: 0 } })).toThrow(
      /bulkConnection.maxReplyBytes/,
    );
    client.disconnect();
  });

  it("answers a key of another type with Redis's WRONGTYPE, like ioredis", async () => {
    const key = `${prefix("wt")}:s`;
    await redis.set(key, "x");
    const endpoint = bulkEndpointOf(redis) as NonNullable<ReturnType<typeof bulkEndpointOf>>;
    const connection = await BulkConnection.open(endpoint);
    try {
      const reply = await connection.send(["zrange", key, "0", "+inf", "BYSCORE", "WITHSCORES"], {
        pairs: { pair: () => {} },
      });
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error.message).toMatch(/^WRONGTYPE/);
      expect(await connection.send(["ping"], undefined, false)).toEqual({ ok: true, value: "PONG" });
    } finally {
      connection.close();
    }
  });

  it("reads a window whose key changes type midway as ioredis does (empty slices), without failing", async () => {
    const pool = prefix("midtype");
    const keys = new PoolKeys(pool);
    await seedWindow(redis, keys, 3000, false);
    const link = new BulkLink(bulkEndpointOf(redis) as NonNullable<ReturnType<typeof bulkEndpointOf>>);
    let seen = 0;
    const count = () => {
      if (++seen === 200) void redis.multi().del(keys.hashrate()).set(keys.hashrate(), "x").exec();
    };
    const sink: BulkMemberSink = { pair: count, member: count };
    try {
      const result = await readScoreRange(redis, {
        key: keys.hashrate(),
        from: NOW_S - 1800,
        nowS: NOW_S,
        chunkSize: 100,
        onChunk: () => {},
        bulk: { link, sink },
        operation: "test",
      });
      expect(result.members).toBeLessThan(3000);
      expect(result.members).toBeGreaterThanOrEqual(200);
    } finally {
      link.close();
    }
  });

  it("refuses a reply above maxReplyBytes with CommandFailedError, and reads again afterwards", async () => {
    const pool = prefix("big");
    await seedWindow(redis, new PoolKeys(pool), 3000, false);
    const backend = new RedisStatsBackend(redis, {
      prefix: pool,
      now: () => NOW_MS,
      hashrate: { resyncChunkSize: 1000 },
      bulkConnection: { maxReplyBytes: 4096 },
    });
    try {
      await expect(backend.collectStats("30m", 50, 30)).rejects.toBeInstanceOf(CommandFailedError);
      await expect(backend.collectStats("30m", 50, 30)).rejects.toThrow(/larger than 4096 bytes/);
    } finally {
      backend.close();
    }
  });

  it("falls back to ioredis when it cannot connect, and tries again after a while", async () => {
    const pool = prefix("fallback");
    await seedWindow(redis, new PoolKeys(pool), 2000, false);
    const endpoint = bulkEndpointOf(redis) as NonNullable<ReturnType<typeof bulkEndpointOf>>;
    const link = new BulkLink({ ...endpoint, port: 1 }); // nothing listens on port 1
    let members = 0;
    const result = await readScoreRange(redis, {
      key: new PoolKeys(pool).hashrate(),
      from: NOW_S - 1800,
      nowS: NOW_S,
      chunkSize: 100,
      onChunk: (chunk) => {
        members += chunk.length / 2;
      },
      bulk: { link, sink: { pair: () => {}, member: () => {} } },
      operation: "test",
    });
    expect(result.members).toBe(2000);
    expect(members).toBe(2000);
    expect(String(link.lastOpenError)).toMatch(/ECONNREFUSED/);
    expect(link.openAttempts).toBe(1);
    expect(await link.acquire()).toBeUndefined(); // within the wait: no new attempt
    expect(link.openAttempts).toBe(1);
    const eager = new BulkLink({ ...endpoint, port: 1 }, 0);
    await eager.acquire();
    await eager.acquire();
    expect(eager.openAttempts).toBe(2);
    const working = new BulkLink(endpoint, 0);
    expect(await working.acquire()).toBeDefined();
    working.close();
  });
});

describe.skipIf(!inject("redisServerAvailable"))("the bulk connection on its own redis-server", () => {
  const servers: RedisServerProcess[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.stop();
  });
  const server = async (args: string[] = []): Promise<RedisServerProcess> => {
    const started = await startRedisServer({ args });
    servers.push(started);
    return started;
  };
  const client = (options: RedisOptions): Redis => {
    const made = new Redis({ maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
    made.on("error", () => {});
    clients.push(made);
    return made;
  };

  it("authenticates (password, ACL user) and selects the client's database", async () => {
    const started = await server(["--requirepass", "s3cret", "--user", "alice", "on", ">pa55", "~*", "&*", "+@all"]);
    for (const options of [
      { password: "s3cret", db: 5 },
      { username: "alice", password: "pa55", db: 3 },
    ]) {
      const authed = client({ host: "127.0.0.1", port: started.port, ...options });
      await seedWindow(authed, new PoolKeys("eth"), 2000);
      const ours = await expectSameThroughBoth(authed, "eth");
      expect(ours.every((line) => line.includes(` db=${options.db} `))).toBe(true);
      if (options.username !== undefined) expect(ours.every((line) => line.includes(" user=alice "))).toBe(true);
    }
    // A wrong password: the bulk connection cannot open, the read still succeeds through ioredis.
    const authed = client({ host: "127.0.0.1", port: started.port, password: "s3cret", db: 5 });
    const endpoint = bulkEndpointOf(authed) as NonNullable<ReturnType<typeof bulkEndpointOf>>;
    await expect(BulkConnection.open({ ...endpoint, password: "wrong" })).rejects.toThrow(/WRONGPASS|invalid/);
  });

  it("connects over TLS with the client's tls options", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-bulk-tls-"));
    const files = await makeTlsFiles(dir);
    const { freePort } = await import("../../src/testing/redis-server-process.js");
    const port = await freePort();
    await server([
      ...["--port", "0", "--tls-port", String(port)],
      ...["--tls-cert-file", files.serverCert, "--tls-key-file", files.serverKey, "--tls-ca-cert-file", files.ca],
      ...["--tls-auth-clients", "yes"],
    ]);
    const tls = {
      ca: readFileSync(files.ca),
      cert: readFileSync(files.clientCert),
      key: readFileSync(files.clientKey),
    };
    const secure = client({ host: "127.0.0.1", port, tls });
    await seedWindow(secure, new PoolKeys("eth"), 2000);
    await expectSameThroughBoth(secure, "eth");
  }, 60_000);

  /** A read of `pool` over a bulk link whose sink runs `act` at the 500th member. */
  async function readActing(target: Redis, pool: string, link: BulkLink, act: () => void) {
    let seen = 0;
    const started = performance.now();
    const outcome = await readScoreRange(target, {
      key: new PoolKeys(pool).hashrate(),
      from: NOW_S - 1800,
      nowS: NOW_S,
      chunkSize: 100,
      onChunk: () => {},
      bulk: {
        link,
        sink: {
          pair: () => {
            if (++seen === 500) act();
          },
          member: () => {
            if (++seen === 500) act();
          },
        },
      },
      operation: "collectStats",
    }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    return { outcome, ms: performance.now() - started, seen };
  }

  it("rejects with BackendUnavailableError when the server is killed mid-reply, and reads again once it is back", async () => {
    const started = await server();
    const target = client({ host: "127.0.0.1", port: started.port, maxRetriesPerRequest: 0 });
    await seedWindow(target, new PoolKeys("eth"), 20_000, false);
    const link = new BulkLink(bulkEndpointOf(target) as NonNullable<ReturnType<typeof bulkEndpointOf>>);
    const { outcome } = await readActing(target, "eth", link, () => started.child.kill("SIGKILL"));
    expect("error" in outcome && outcome.error).toBeInstanceOf(BackendUnavailableError);
    expect(link.open).toBe(false);
    link.close();
  });

  it("rejects with BackendUnavailableError when Redis pauses mid-reply, within the command timeout; the next read reconnects", async () => {
    const started = await server();
    const target = client({ host: "127.0.0.1", port: started.port, commandTimeout: 400 });
    await seedWindow(target, new PoolKeys("eth"), 20_000, false);
    const link = new BulkLink(bulkEndpointOf(target) as NonNullable<ReturnType<typeof bulkEndpointOf>>);
    try {
      const paused = await readActing(target, "eth", link, () => started.child.kill("SIGSTOP"));
      expect("error" in paused.outcome && paused.outcome.error).toBeInstanceOf(BackendUnavailableError);
      expect(paused.ms).toBeLessThan(3000);
      started.child.kill("SIGCONT");
      const again = await readActing(target, "eth", link, () => {});
      expect("value" in again.outcome && again.outcome.value.members).toBe(20_000);
      expect(again.seen).toBeGreaterThan(15_000); // over the new bulk connection
    } finally {
      started.child.kill("SIGCONT");
      link.close();
    }
  });
});
