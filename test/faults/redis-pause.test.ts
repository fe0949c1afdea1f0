import { afterEach, describe, expect, it } from "vitest";
import { failOnProcessErrors } from "../support/process-errors.js";
import { MINER } from "./support/fault-pool.js";
import { runOutage } from "./support/outage.js";
import { report } from "./support/report.js";
import { type SingleRig, startSingleRig } from "./support/single-rig.js";

/**
 * Redis hangs without closing anything (SIGSTOP): only the command timeout can tell. It
 * stays paused for 1.5 s, several command timeouts (400 ms), then resumes (SIGCONT) and answers
 * every command it had queued, late.
 */
failOnProcessErrors();

let rig: SingleRig | undefined;
afterEach(async () => {
  await rig?.teardown();
  rig = undefined;
});

describe("Redis paused past the command timeout", () => {
  it("reads time out as 503s and failed collections, the last snapshot ages, SIGCONT heals it", async () => {
    rig = await startSingleRig();
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
    const { leaks, clientStatus } = await rig.teardown();
    rig = undefined;
    expect(leaks).toEqual([]);
    expect(clientStatus).toBe("end");
    report("pause (SIGSTOP 1.5 s)", result.numbers);
  });
});
