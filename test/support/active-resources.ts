import { setTimeout as sleep } from "node:timers/promises";

/**
 * Handles that keep a process alive and that our code could leak: timers, TCP sockets
 * and servers, pending connects and DNS look-ups. Pipes, child processes and file
 * requests belong to vitest and to the redis-server children the tests manage themselves.
 */
const WATCHED = new Set(["Timeout", "TCPSocketWrap", "TCPServerWrap", "TCPConnectWrap", "GetAddrInfoReqWrap"]);

/** How many active handles of each watched kind the process holds now. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    if (WATCHED.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The kinds that have more handles now than in `before`, as `kind: before → now`. */
export function resourceGrowth(before: ReadonlyMap<string, number>): string[] {
  const grown: string[] = [];
  for (const [name, count] of activeResources()) {
    const was = before.get(name) ?? 0;
    if (count > was) grown.push(`${name}: ${was} → ${count}`);
  }
  return grown;
}

/**
 * Waits (real time, at most `withinMs`) until no watched kind has more handles than in
 * `before`: sockets take a turn or two to close after `end`, and vitest's own timers come
 * and go. Returns what still grew at the deadline (empty: no leak).
 */
export async function settleResources(before: ReadonlyMap<string, number>, withinMs = 3000): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let grown = resourceGrowth(before);
  while (grown.length > 0 && Date.now() < deadline) {
    await sleep(20);
    grown = resourceGrowth(before);
  }
  return grown;
}
