import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useRedis } from "./support/redis.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);
const { redis, prefix } = useRedis();

/** A ```ts block of the README: its text (indentation removed), line, and whether it is marked to run. */
interface Block {
  readonly line: number;
  readonly code: string;
  /** Preceded by `<!-- runs -->`: a whole program the test runs against the test Redis. */
  readonly runs: boolean;
}

async function readmeBlocks(): Promise<Block[]> {
  const lines = (await readFile(join(ROOT, "README.md"), "utf8")).split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i] as string);
    if (open === null) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++)
      body.push((lines[j] as string).slice(indent));
    const before = lines.slice(Math.max(0, i - 2), i).join("\n");
    blocks.push({ line: i + 1, code: `${body.join("\n")}\n`, runs: before.includes("<!-- runs -->") });
    i = j;
  }
  return blocks;
}

const dir = join(ROOT, "test", ".tmp", `readme-${randomBytes(6).toString("hex")}`); // gitignored, under the repo for its tsconfig paths
let blocks: Block[] = [];
beforeAll(async () => {
  blocks = await readmeBlocks();
  await mkdir(dir, { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("every ```ts block of README.md", () => {
  it("type-checks as written (each a module of its own, with the repository's tsconfig)", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const files = await Promise.all(
      blocks.map(async (block) => {
        const file = join(dir, `line-${block.line}.ts`);
        await writeFile(file, `${block.code}export {};\n`);
        return file;
      }),
    );
    const config = join(dir, "tsconfig.json");
    await writeFile(
      config,
      JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: true }, files, include: [] }),
    );
    const result = await run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", config], {
      cwd: ROOT,
      timeout: 120_000,
    }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    // tsc names the file by its README line: README.md line N is test/.tmp/…/line-N.ts.
    expect(result).toBe("");
  }, 150_000);

  it("the ones marked to run, run against a real Redis and exit 0", async () => {
    const runnable = blocks.filter((block) => block.runs);
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    for (const block of runnable) {
      const p = prefix();
      expect(block.code, `line ${block.line}`).toContain('prefix: "eth"');
      const file = join(dir, `run-${block.line}.ts`);
      await writeFile(file, block.code.replaceAll('prefix: "eth"', `prefix: ${JSON.stringify(p)}`));
      const { stdout } = await run(join(ROOT, "node_modules", ".bin", "tsx"), [file], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: inject("redisUrl") },
        timeout: 60_000,
      });
      expect(stdout.length, `line ${block.line}`).toBeGreaterThan(0);
    }
    expect(await redis.ping()).toBe("PONG");
  }, 120_000);
});
