import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The package's own specifiers, as a host writes them, resolved to the sources (as tsconfig's paths do).
    alias: [
      { find: /^open-pool-stats\/(.+)$/, replacement: fileURLToPath(new URL("./src/entries/$1.ts", import.meta.url)) },
      { find: /^open-pool-stats$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite runs on its own (`npm run test:faults`, vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, "test/faults/**"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
