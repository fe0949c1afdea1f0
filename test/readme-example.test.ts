import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { PoolKeys } from "../src/keys/pool-keys.js";
import { loadGolden, seedGolden } from "./support/golden.js";
import { useRedis } from "./support/redis.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);
const { redis, prefix } = useRedis();

/** The first ```ts block of the README. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no ```ts block");
  return block;
}

describe("the README's first example", () => {
  it("is examples/quick-start.ts, character for character", async () => {
    expect(await readmeExample()).toBe(await readFile(join(ROOT, "examples/quick-start.ts"), "utf8"));
  });

  it("runs as written against a pool (golden b_small_pool, plus shares from just now)", async () => {
    const p = prefix();
    const scenario = loadGolden("b_small_pool");
    await seedGolden(redis, scenario, p);
    // The golden shares are from 2023, so the example's real clock would trim them all:
    // add three shares of two golden miners stamped now (first share < 600 s ago: divisor 600).
    const nowMs = Date.now();
    const nowS = Math.trunc(nowMs / 1000);
    const [A, B] = ["0x8e550c57631c4743ac80a5441efc6e7cde71d248", "0x2a27f2a0bb62e31f98f18c161fcafa95869f42b6"];
    const hashrate = new PoolKeys(p).hashrate();
    await redis.zadd(
      hashrate,
      nowS,
      `2000000000:${A}:rig1:${nowMs}`,
      nowS,
      `2000000000:${A}:rig2:${nowMs}`,
      nowS,
      `2000000000:${B}:w1:${nowMs}`,
    );

    const source = await readFile(join(ROOT, "examples/quick-start.ts"), "utf8");
    expect(source.split('prefix: "eth"')).toHaveLength(2);
    // Under the repository so that ioredis and the tsconfig path to src resolve (gitignored).
    const file = join(ROOT, "test", ".tmp", `quick-start-${randomBytes(6).toString("hex")}.ts`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, source.replace('prefix: "eth"', `prefix: ${JSON.stringify(p)}`));
    let stdout: string;
    try {
      ({ stdout } = await run(join(ROOT, "node_modules", ".bin", "tsx"), [file], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: inject("redisUrl") },
        timeout: 30_000,
      }));
    } finally {
      await rm(file, { force: true });
    }

    // The original's CollectStats bytes for this state (golden call #0), with the miners
    // of the fresh shares: A 4e9/600, B 2e9/600.
    const golden = scenario.calls[0]?.resultText ?? "";
    const miners = `{"${B}":{"lastBeat":${nowS},"hr":3333333,"offline":false},"${A}":{"lastBeat":${nowS},"hr":6666666,"offline":false}}`;
    const expectedJson = golden
      .replace('"hashrate":148888888,', '"hashrate":9999999,')
      .replace(/"miners":\{.*?\}\},"minersTotal":2,/, `"miners":${miners},"minersTotal":2,`);
    expect(expectedJson).toContain(`"hashrate":9999999,"immature"`);
    expect(expectedJson).toContain(`"miners":${miners},`);
    expect(stdout.split("\n")).toEqual(["2 miners, pool hashrate 9999999 H/s", expectedJson, ""]);
  });
});
