import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = promisify(execFile);

type Library = typeof import("../../src/index.js");

// The package's two builds, made as `npm run build` makes them (without declarations),
// both loaded in this one process as a host mixing `require` and `import` would.
let out: string;
let cjs: Library;
let esm: Library;
beforeAll(async () => {
  const base = join(ROOT, "test", ".tmp"); // gitignored
  await mkdir(base, { recursive: true });
  out = await mkdtemp(join(base, "dual-"));
  await run(
    join(ROOT, "node_modules", ".bin", "tsup"),
    [
      "src/index.ts",
      "--format",
      "esm,cjs",
      "--out-dir",
      out,
      "--no-dts",
      "--splitting",
      "--target",
      "node20",
      "--silent",
    ],
    { cwd: ROOT, timeout: 60_000 },
  );
  cjs = createRequire(import.meta.url)(join(out, "index.cjs")) as Library;
  esm = (await import(pathToFileURL(join(out, "index.js")).href)) as Library;
}, 90_000);
afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe("the ESM and CJS copies of the package in one process", () => {
  it("are two copies: their classes differ, so instanceof cannot tell", () => {
    expect(cjs.PoolStatsError).not.toBe(esm.PoolStatsError);
    expect(new cjs.InvalidArgumentError("window", "bad") instanceof esm.PoolStatsError).toBe(false);
  });

  it("isPoolStatsError of either copy recognises the errors of both", () => {
    const errors = [
      new cjs.InvalidArgumentError("window", "bad"),
      new esm.InvalidArgumentError("window", "bad"),
      new cjs.BackendUnavailableError("collectStats", new Error("Connection is closed.")),
      new esm.InvalidDurationError("3d", "unknown unit"),
    ];
    for (const error of errors) {
      expect(cjs.isPoolStatsError(error), error.message).toBe(true);
      expect(esm.isPoolStatsError(error), error.message).toBe(true);
    }
  });

  it("a real failure of one copy passes the other's guard, code intact", async () => {
    let thrown: unknown;
    try {
      esm.parseDuration("3d");
    } catch (error) {
      thrown = error;
    }
    expect(cjs.isPoolStatsError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe("ERR_INVALID_DURATION");
  });

  it("rejects what is not one of them, however it looks", () => {
    for (const guard of [cjs.isPoolStatsError, esm.isPoolStatsError]) {
      expect(guard(new Error("x"))).toBe(false);
      expect(guard({ code: "ERR_INVALID_ARGUMENT", message: "x" })).toBe(false);
      expect(guard(Object.assign(new Error("x"), { code: "ERR_INVALID_ARGUMENT" }))).toBe(false);
      expect(guard(null)).toBe(false);
      expect(guard("ERR_INVALID_ARGUMENT")).toBe(false);
    }
  });
});
