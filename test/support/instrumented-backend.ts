import type { StatsCacheBackend } from "../../src/cache/stats-cache-backend.js";
import { gate } from "./wait.js";

type Method = keyof StatsCacheBackend;

/** Every method of the StatsCacheBackend interface. */
export const BACKEND_METHODS: readonly Method[] = [
  "collectStats",
  "collectLuckStats",
  "flushStaleStats",
  "minerExists",
  "getMinerStats",
  "collectWorkersStats",
  "getNodeStates",
];

/** The reads of the collection loop (as opposed to account reads). */
const LOOP_METHODS: ReadonlySet<Method> = new Set(["collectStats", "collectLuckStats", "flushStaleStats"]);

/** One call the cache made through the instrumented backend. */
export interface BackendCall {
  readonly method: Method;
  readonly args: readonly unknown[];
  /** `clock()` when the cache called. */
  readonly startedAt: number;
  /** `clock()` when the call settled; undefined while it runs. */
  endedAt?: number;
  outcome?: "ok" | "error";
}

/**
 * Wraps a real backend (every read still goes to Redis) to record calls, to count how many
 * loop reads run at once, and to hold calls at a gate the test opens: a deterministic way
 * to make a Redis read "slow" under fake timers.
 */
export function instrument(inner: StatsCacheBackend, clock: () => number = Date.now) {
  const calls: BackendCall[] = [];
  const holds: { method: Method; match: (args: readonly unknown[]) => boolean; promise: Promise<void> }[] = [];
  let active = 0;
  let maxActive = 0;
  const backend = {} as Record<Method, (...args: unknown[]) => Promise<unknown>>;
  for (const method of BACKEND_METHODS) {
    const original = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner);
    backend[method] = async (...args: unknown[]) => {
      const call: BackendCall = { method, args, startedAt: clock() };
      calls.push(call);
      const loop = LOOP_METHODS.has(method);
      if (loop) maxActive = Math.max(maxActive, ++active);
      try {
        for (const hold of [...holds]) if (hold.method === method && hold.match(args)) await hold.promise;
        const result = await original(...args);
        call.outcome = "ok";
        return result;
      } catch (error) {
        call.outcome = "error";
        throw error;
      } finally {
        call.endedAt = clock();
        if (loop) active--;
      }
    };
  }
  return {
    backend: backend as unknown as StatsCacheBackend,
    calls,
    /** Calls of `method` made so far. */
    callsOf: (method: Method): BackendCall[] => calls.filter((call) => call.method === method),
    /** The most loop reads that ever ran at the same time. */
    maxConcurrentLoopReads: (): number => maxActive,
    /** Holds calls of `method` (those whose args match) until the returned function is called. */
    hold(method: Method, match: (args: readonly unknown[]) => boolean = () => true): () => void {
      const g = gate();
      const entry = { method, match, promise: g.promise };
      holds.push(entry);
      return () => {
        holds.splice(holds.indexOf(entry), 1);
        g.open();
      };
    },
  };
}
