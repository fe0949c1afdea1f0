import { defineConfig } from "vitest/config";

/**
 * The fault suite (`npm run test:faults`, docs/RELIABILITY.md): Redis restarted, paused and
 * cut off under a running API, a Cluster failover, fuzzing at scale, hostile HTTP input and
 * load. About 75 s on two cores, so it runs apart from `npm test`; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
