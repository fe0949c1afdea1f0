import { describe, expect, it } from "vitest";
import { failOnProcessErrors } from "../support/process-errors.js";
import { MINER } from "./support/fault-pool.js";
import { runOutage } from "./support/outage.js";
import { report } from "./support/report.js";
import { singleRigSkipReason, useSingleRig } from "./support/single-rig.js";

/**
 * Redis stays up but drops the API's connection (CLIENT KILL TYPE normal from another
 * client) between the two reads of a collection, and refuses new connections for 1.5 s
 * (CONFIG SET maxclients 1: only the admin connection fits), as a proxy or a full server
 * would; then takes connections again.
 */
failOnProcessErrors();

const rigs = useSingleRig();

const skip = singleRigSkipReason();

describe.skipIf(skip !== undefined)(`the connection dropped${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("mid-collection, then refused for 1.5 s: 503s, the last snapshot, reconnection by itself", async () => {
    const rig = await rigs.start();
    const { server, api, client } = rig;
    const { admin } = server;
    expect(client.status).toBe("ready");
    let killed = 0;
    const result = await runOutage(api, MINER, {
      inject: async () => {
        let at = 0;
        // The pool read has succeeded; the luck read goes out on a connection Redis just closed.
        await api.hooks.beforeNext("collectLuckStats", async () => {
          await admin.config("SET", "maxclients", "1");
          at = Date.now();
          killed = Number(await admin.call("client", "kill", "type", "normal"));
        });
        return at;
      },
      downMs: 1500,
      restore: async () => {
        await admin.config("SET", "maxclients", "10000");
      },
    });
    expect(killed).toBe(1); // the API's connection (the admin's own is skipped)
    expect(result.violations).toEqual([]);
    expect(rig.reconnects()).toBeGreaterThan(1); // refused, then accepted: by itself
    await rigs.stopCleanly();
    report("connection dropped + refused 1.5 s", result.numbers);
  });
});
