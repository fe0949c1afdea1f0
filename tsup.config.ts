import { defineConfig } from "tsup";

export default defineConfig([
  // The library: ESM + CJS with their own declaration files (.d.ts / .d.cts), checked by publint and attw.
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: false,
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
