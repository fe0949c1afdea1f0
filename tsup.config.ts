import { defineConfig } from "tsup";

/** The package's entry points: the root and its subpaths (package.json `exports`). */
const entries = ["model", "convert", "json", "http", "writer", "keys", "testing", "metrics"] as const;

export default defineConfig([
  // The library: ESM + CJS with their own declaration files (.d.ts / .d.cts), checked by
  // publint and attw. Shared code goes to shared chunks (splitting, for CJS too), so a
  // class has one copy per format whichever entry a host imports it through.
  {
    entry: {
      index: "src/index.ts",
      ...Object.fromEntries(entries.map((name) => [name, `src/entries/${name}.ts`])),
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: true,
    treeshake: true,
  },
  // The `open-pool-stats` command (package.json `bin`): one ESM file; the shebang of
  // src/cli/main.ts is kept. It bundles the library code it uses.
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    splitting: false,
    treeshake: true,
  },
]);
