/**
 * One benchmark job in its own process (so its peak RSS is its own): collect the pool
 * snapshot with one read strategy, cold or in steady state, and report what it cost.
 * Run by collect-bench.ts; input in BENCH_JOB, output one JSON line on stdout.
 */
import { Redis } from "ioredis";
import { poolStatsToGo } from "../src/entries/json.js";
import { RedisStatsBackend, toGoJson } from "../src/index.js";
import { OriginalMethodBackend } from "../src/testing/original-method-backend.js";
import { PoolSeeder } from "../src/testing/pool-seeder.js";
import { accountShares, BIG_ACCOUNT, poolFor, shares } from "./pool-fixture.js";

export interface Job {
  readonly url: string;
  readonly prefix: string;
  readonly n: number;
  readonly strategy: "incremental" | "original";
  /** `account-cold`/`account-steady`: the big account's workers read instead of the pool snapshot. */
  readonly phase: "cold" | "steady" | "account-cold" | "account-steady";
  readonly runs: number;
  readonly nowMs: number;
  /** Seconds between collections in steady state (the pool's statsCollectInterval). */
  readonly intervalS: number;
  /** Whether the incremental backend may use its bulk connection (`bulkConnection`). */
  readonly bulk: boolean;
}

export interface Sample {
  readonly ms: number;
  /** Process CPU (user + system) during the call, ms. */
  readonly cpuMs: number;
  /** Redis's own CPU during the call (INFO used_cpu_sys + used_cpu_user of the server), ms. */
  readonly redisCpuMs: number;
  /** Steady state: the rolling verification that ran after the call (until the window settled). */
  readonly sweep?: {
    readonly ms: number;
    readonly members: number;
    readonly cpuMs: number;
  };
  /** heapUsed growth across the collection (GC'd before; the max of samples and the end). */
  readonly heapMb: number;
  readonly rssMb: number;
  /** Bytes Redis sent to clients during the collection (INFO total_net_output_bytes). */
  readonly bytes: number;
  /** The longest single command Redis ran for the collection (SLOWLOG), ms. */
  readonly maxCommandMs: number;
  /** That command, its first words. */
  readonly maxCommand: string;
  readonly commands: number;
  readonly identical?: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function outputBytes(redis: Redis): Promise<{ value: number; replyBytes: number }> {
  const info = await redis.info("stats");
  const match = /total_net_output_bytes:(\d+)/.exec(info);
  return { value: Number(match?.[1] ?? 0), replyBytes: Buffer.byteLength(info) + 16 };
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (field("used_cpu_sys") + field("used_cpu_user")) * 1000;
}

/**
 * Measures `collect`. With `verification` (a steady read's rolling verification, which starts as
 * the read delivers its result), that is timed on its own right after, and the Redis CPU
 * covers both: Redis runs the two back to back on one connection.
 */
async function measure(
  redis: Redis,
  collect: () => Promise<unknown>,
  verification?: { run: () => Promise<unknown>; members: () => number },
): Promise<Sample> {
  // A full GC right before a steady read (a few ms) costs it ~3 ms of warming up again (a
  // live process runs no full GC between its reads): only cold reads start from one.
  if (verification === undefined) gc();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  await redis.slowlog("RESET");
  const out0 = await outputBytes(redis);
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 5);
  const redis0 = await redisCpu(redis);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await collect();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let sweep: Sample["sweep"];
  if (verification !== undefined) {
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await verification.run();
    const swept = process.cpuUsage(cpu1);
    sweep = {
      ms: performance.now() - t1,
      cpuMs: (swept.user + swept.system) / 1000,
      members: verification.members(),
    };
  }
  const redisCpuMs = (await redisCpu(redis)) - redis0;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakHeap = Math.max(peakHeap, after.heapUsed);
  peakRss = Math.max(peakRss, after.rss);
  const out1 = await outputBytes(redis);
  const log = (await redis.slowlog("GET", 100_000)) as [number, number, number, string[]][];
  const ours = log.filter(([, , , argv]) => !["slowlog", "info", "config"].includes(String(argv[0]).toLowerCase()));
  const longest = ours.reduce<[number, number, number, string[]] | undefined>(
    (top, entry) => (top === undefined || entry[2] > top[2] ? entry : top),
    undefined,
  );
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    redisCpuMs,
    heapMb: (peakHeap - before.heapUsed) / 2 ** 20,
    rssMb: (peakRss - before.rss) / 2 ** 20,
    bytes: out1.value - out0.value - out0.replyBytes - 5,
    maxCommandMs: (longest?.[2] ?? 0) / 1000,
    maxCommand: (longest?.[3] ?? []).slice(0, 3).join(" "),
    commands: ours.length,
    ...(sweep === undefined ? {} : { sweep }),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env.BENCH_JOB ?? "{}") as Job;
  const redis = new Redis(job.url);
  await redis.config("SET", "slowlog-log-slower-than", "0");
  await redis.config("SET", "slowlog-max-len", "100000");
  let nowMs = job.nowMs;
  const options = { prefix: job.prefix, now: () => nowMs };
  const backends: RedisStatsBackend[] = [];
  const backendFor = (strategy: Job["strategy"]) => {
    const backend =
      strategy === "original"
        ? new OriginalMethodBackend(redis, options)
        : new RedisStatsBackend(redis, { ...options, bulkConnection: job.bulk });
    backends.push(backend);
    return backend;
  };
  /** Closes a backend that is done (its bulk connection) and forgets it, so its window can go. */
  const release = (backend: RedisStatsBackend): void => {
    backend.close();
    backends.splice(backends.indexOf(backend), 1);
  };
  const samples: Sample[] = [];
  gc();
  const baseRss = process.memoryUsage().rss;
  const shape = poolFor(job.n);
  const perCycle = Math.round((job.n / shape.windowS) * job.intervalS);
  const seeder = new PoolSeeder(redis, { prefix: job.prefix });
  if (job.phase === "cold") {
    for (let run = 0; run < job.runs; run++) {
      const backend = backendFor(job.strategy); // a new backend: nothing held yet
      samples.push(await measure(redis, () => backend.collectStats("30m", 50, 30)));
      release(backend); // its window goes with it: each run's RSS is one window's
    }
  } else if (job.phase === "steady") {
    const backend = backendFor(job.strategy);
    const window = backend.hashrateWindow("30m");
    await backend.collectStats(window, 50, 30); // warm up (the incremental cold start)
    for (let run = 0; run < job.runs + 2; run++) {
      // New shares at the rate that keeps the window at n, stamped over the interval.
      await seeder.seedShares(shares(shape, perCycle, nowMs, nowMs + job.intervalS * 1000, run + 1));
      nowMs += job.intervalS * 1000;
      let result: unknown;
      // The rolling verification runs after the result is delivered, before the next read.
      const sample = await measure(
        redis,
        async () => {
          result = await backend.collectStats(window, 50, 30);
        },
        { run: () => window.settled(), members: () => window.lastSweep?.members ?? 0 },
      );
      // Not timed: the same snapshot recomputed in full must be byte-identical.
      const fresh = backendFor("incremental");
      const full = await fresh.collectStats(fresh.hashrateWindow("30m"), 50, 30);
      release(fresh);
      const identical =
        toGoJson(poolStatsToGo(result as Parameters<typeof poolStatsToGo>[0])) === toGoJson(poolStatsToGo(full));
      // The first two cycles warm the sweep's pace (it needs one interval to size its slice).
      if (run >= 2) samples.push({ ...sample, identical });
    }
  } else {
    // The big account: its large window read with a held window (incremental) or in full.
    const { login, largeWindowS } = BIG_ACCOUNT;
    const read = (backend: RedisStatsBackend, window?: Parameters<RedisStatsBackend["collectWorkersStats"]>[3]) =>
      window === undefined || job.strategy === "original"
        ? backend.collectWorkersStats("30m", `${largeWindowS}s`, login)
        : backend.collectWorkersStats("30m", `${largeWindowS}s`, login, window);
    if (job.phase === "account-cold") {
      for (let run = 0; run < job.runs; run++) {
        const backend = backendFor(job.strategy);
        const window = backend.accountWindow(login, "30m", `${largeWindowS}s`);
        samples.push(await measure(redis, () => read(backend, window)));
        release(backend);
      }
    } else {
      const backend = backendFor(job.strategy);
      const window = backend.accountWindow(login, "30m", `${largeWindowS}s`);
      await read(backend, window);
      const perRefresh = Math.round((job.n / largeWindowS) * job.intervalS);
      for (let run = 0; run < job.runs + 2; run++) {
        await seeder.seedShares(accountShares(perRefresh, nowMs, nowMs + job.intervalS * 1000, run * perRefresh));
        nowMs += job.intervalS * 1000;
        let result: unknown;
        const sample = await measure(
          redis,
          async () => {
            result = await read(backend, window);
          },
          { run: () => window.settled(), members: () => window.lastSweep?.members ?? 0 },
        );
        const fullBackend = backendFor("incremental");
        const full = await fullBackend.collectWorkersStats("30m", `${largeWindowS}s`, login);
        release(fullBackend);
        const text = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));
        const sorted = (stats: unknown) => {
          const s = stats as { workers: Map<string, unknown> };
          return text({ ...s, workers: [...s.workers].sort(([a], [b]) => (a < b ? -1 : 1)) });
        };
        if (run >= 2) {
          samples.push({ ...sample, identical: sorted(result) === sorted(full) });
        }
      }
    }
  }
  const maxRssMb = (process.resourceUsage().maxRSS * 1024 - baseRss) / 2 ** 20;
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  for (const backend of backends) backend.close(); // their bulk connections
  await redis.config("SET", "slowlog-log-slower-than", "10000");
  redis.disconnect();
  process.stdout.write(`${JSON.stringify({ samples, maxRssMb, peakRssMb })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
