import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { failOnProcessErrors } from "../support/process-errors.js";
import { MINER } from "./support/fault-pool.js";
import { runOutage } from "./support/outage.js";
import { report } from "./support/report.js";
import { singleRigSkipReason, useSingleRig } from "./support/single-rig.js";

/**
 * Redis crashes (SIGKILL) while a read is in flight, stays down 1.5 s, and restarts on the
 * same port with its data (append-only file). The read in flight is made deterministic: a
 * hook pauses the server right before the read starts, so its command is on the wire when
 * the server dies.
 */
failOnProcessErrors();
const DOWN_MS = 1500;
const IN_FLIGHT_MS = 50;

const rigs = useSingleRig();

const skip = singleRigSkipReason();

describe.skipIf(skip !== undefined)(`Redis restarted${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("in the middle of a collection: the last snapshot is served, aging; collection resumes", async () => {
    const rig = await rigs.start();
    const { server, api } = rig;
    const result = await runOutage(api, MINER, {
      inject: async () => {
        // The pool read has succeeded; the luck read, the collection's second, is on the wire.
        await api.hooks.beforeNext("collectLuckStats", () => server.pause());
        await sleep(IN_FLIGHT_MS);
        const at = Date.now();
        await server.kill();
        return at;
      },
      downMs: DOWN_MS,
      restore: () => server.restart(),
    });
    expect(result.violations).toEqual([]);
    await rigs.stopCleanly();
    report("restart mid-collection", result.numbers);
  });

  it("in the middle of an account refresh: that request gets 503, never a wrong 404", async () => {
    const rig = await rigs.start();
    const { server, api } = rig;
    let pending: Promise<{ status: number }> | undefined;
    const result = await runOutage(api, MINER, {
      inject: async () => {
        // EXISTS has answered; the miner-stats MULTI, the refresh's second read, is on the wire.
        const hooked = api.hooks.beforeNext("getMinerStats", () => server.pause());
        pending = api.get(`/api/accounts/${MINER}`);
        await hooked;
        await sleep(IN_FLIGHT_MS);
        const at = Date.now();
        await server.kill();
        return at;
      },
      downMs: DOWN_MS,
      restore: () => server.restart(),
    });
    expect((await pending)?.status).toBe(503);
    expect(result.violations).toEqual([]);
    await rigs.stopCleanly();
    report("restart mid-account-refresh", result.numbers);
  });
});
