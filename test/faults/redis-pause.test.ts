import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { failOnProcessErrors } from "../support/process-errors.js";
import { waitUntil } from "./support/api-rig.js";
import { MINER } from "./support/fault-pool.js";
import { runOutage } from "./support/outage.js";
import { report } from "./support/report.js";
import { singleRigSkipReason, useSingleRig } from "./support/single-rig.js";

/**
 * Redis hangs without closing anything (SIGSTOP): only the command timeout can tell. It
 * stays paused for 1.5 s, several command timeouts (400 ms), then resumes (SIGCONT) and answers
 * every command it had queued, late.
 */
failOnProcessErrors();

const rigs = useSingleRig();

const skip = singleRigSkipReason();

describe.skipIf(skip !== undefined)(`Redis paused past the command timeout${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("reads time out as 503s and failed collections, the last snapshot ages, SIGCONT heals it", async () => {
    const rig = await rigs.start();
    const { server, api } = rig;
    const result = await runOutage(api, MINER, {
      inject: async () => {
        // Paused as a collection starts: its first read waits out the command timeout.
        await api.hooks.beforeNext("collectStats", () => server.pause());
        return Date.now();
      },
      downMs: 1500,
      restore: async () => server.resume(),
    });
    expect(result.violations).toEqual([]);
    // Nothing closed the connection: every failure was the command timeout's.
    const failures = api.events.filter((event) => event.kind === "error");
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.message).toMatch(/Command timed out/);
    expect(rig.clientErrors).toEqual([]);
    await rigs.stopCleanly();
    report("pause (SIGSTOP 1.5 s)", result.numbers);
  });

  it("stop() while Redis is still paused: it returns once the reads in flight time out; nothing is left", async () => {
    const rig = await rigs.start();
    const { server, api } = rig;
    await waitUntil(() => (api.cache.snapshot?.version ?? 0) >= 2, "two snapshots");
    await api.hooks.beforeNext("collectStats", () => server.pause());
    // Account requests waiting on the paused server too (EXISTS in flight).
    const pending = [MINER, `0x${"00".repeat(20)}`].map((login) => api.get(`/api/accounts/${login}`).catch(() => 0));
    await sleep(50);
    const stopping = Date.now();
    await api.cache.stop(); // waits for the collection in flight: bounded by the command timeout
    const stopMs = Date.now() - stopping;
    // No QUIT (nobody would answer it): ioredis ends the socket and destroys it after its
    // disconnectTimeout (2 s) when the server never closes its side.
    await rigs.stopCleanly({ disconnect: true });
    const closedMs = Date.now() - stopping - stopMs;
    await Promise.all(pending);
    report("stop() while Redis is paused", { stopMs, closedMs });
  });
});
