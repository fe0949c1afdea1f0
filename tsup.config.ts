import { defineConfig } from "tsup";

// ESM + CJS with their own declaration files (.d.ts / .d.cts), checked by publint and attw.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
  treeshake: true,
});
