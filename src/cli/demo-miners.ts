import { randomBytes } from "node:crypto";

/** One simulated rig: it submits shares at `hashrate / shareDiff` per second. @internal */
export interface DemoWorker {
  readonly login: string;
  readonly id: string;
  /** Hashes per second. */
  readonly hashrate: number;
}

/** One simulated miner (an address) and its rigs. @internal */
export interface DemoMiner {
  readonly login: string;
  readonly workers: readonly DemoWorker[];
}

// Ids the proxy accepts (`^[0-9a-zA-Z_-]{1,8}$`), including the "0" of miners that send none.
const WORKER_IDS = ["0", "rig1", "rig2", "gpu-0", "gpu-1", "farm_a", "farm_b", "x"] as const;

/**
 * `count` miners with 1–4 rigs of 20–250 MH/s each, random addresses (lower-case hex, as
 * the proxy stores them).
 * @internal
 */
export function createDemoMiners(count: number, random: () => number): DemoMiner[] {
  return Array.from({ length: count }, () => {
    const login = `0x${randomBytes(20).toString("hex")}`;
    const rigs = 1 + Math.floor(random() * 4);
    const first = Math.floor(random() * WORKER_IDS.length);
    const workers = Array.from({ length: rigs }, (_, i) => ({
      login,
      id: WORKER_IDS[(first + i) % WORKER_IDS.length] as string,
      hashrate: Math.round((20 + random() * 230) * 1e6),
    }));
    return { login, workers };
  });
}
