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
import { POOL, shares } from "./pool-fixture.js";

export interface Job {
  readonly url: string;
  readonly prefix: string;
  readonly n: number;
  readonly strategy: "incremental" | "original";
  readonly phase: "cold" | "steady";
  readonly runs: number;
  readonly nowMs: number;
  /** Seconds between collections in steady state (the pool's statsCollectInterval). */
  readonly intervalS: number;
  /** Whether the incremental backend may use its bulk connection (`bulkConnection`). */
  readonly bulk: boolean;
}

export interface Sample {
  readonly ms: number;
  /** This process's CPU (user + system, process.cpuUsage) during the collection, ms. */
  readonly cpuMs: number;
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

async function measure(redis: Redis, collect: () => Promise<unknown>): Promise<Sample> {
  gc();
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await collect();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
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
    heapMb: (peakHeap - before.heapUsed) / 2 ** 20,
    rssMb: (peakRss - before.rss) / 2 ** 20,
    bytes: out1.value - out0.value - out0.replyBytes - 5,
    maxCommandMs: (longest?.[2] ?? 0) / 1000,
    maxCommand: (longest?.[3] ?? []).slice(0, 3).join(" "),
    commands: ours.length,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env.BENCH_JOB ?? "{}") as Job;
  const redis = new Redis(job.url);
  await redis.config("SET", "slowlog-log-slower-than", "0");
  await redis.config("SET", "slowlog-max-len", "100000");
  let nowMs = job.nowMs;
  const options = { prefix: job.prefix, now: () => nowMs };
  const backendFor = (strategy: Job["strategy"]) =>
    strategy === "original"
      ? new OriginalMethodBackend(redis, options)
      : new RedisStatsBackend(redis, { ...options, bulkConnection: job.bulk });
  const close = (backend: ReturnType<typeof backendFor>): void => {
    if (backend instanceof RedisStatsBackend) backend.close();
  };
  const samples: Sample[] = [];
  gc();
  const baseRss = process.memoryUsage().rss;
  if (job.phase === "cold") {
    for (let run = 0; run < job.runs; run++) {
      const backend = backendFor(job.strategy); // a new backend: nothing held yet
      samples.push(await measure(redis, () => backend.collectStats("30m", 50, 30)));
      close(backend);
    }
  } else {
    const backend = backendFor(job.strategy);
    await backend.collectStats("30m", 50, 30); // warm up (the incremental cold start)
    const seeder = new PoolSeeder(redis, { prefix: job.prefix });
    const perCycle = Math.round((job.n / POOL.windowS) * job.intervalS);
    for (let run = 0; run < job.runs; run++) {
      // New shares at the rate that keeps the window at n, stamped over the interval.
      await seeder.seedShares(shares(POOL, perCycle, nowMs, nowMs + job.intervalS * 1000, run + 1));
      nowMs += job.intervalS * 1000;
      let result: unknown;
      const sample = await measure(redis, async () => {
        result = await backend.collectStats("30m", 50, 30);
      });
      // Not timed: the same snapshot recomputed in full must be byte-identical.
      const fresh = backendFor("incremental");
      const full = await fresh.collectStats(fresh.hashrateWindow("30m"), 50, 30);
      close(fresh);
      const identical =
        toGoJson(poolStatsToGo(result as Parameters<typeof poolStatsToGo>[0])) === toGoJson(poolStatsToGo(full));
      samples.push({ ...sample, identical });
    }
  }
  const maxRssMb = (process.resourceUsage().maxRSS * 1024 - baseRss) / 2 ** 20;
  await redis.config("SET", "slowlog-log-slower-than", "10000");
  redis.disconnect();
  process.stdout.write(`${JSON.stringify({ samples, maxRssMb })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
