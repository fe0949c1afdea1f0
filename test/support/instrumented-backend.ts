import type { StatsBackend } from "../../src/model/seams.js";
import { gate } from "./wait.js";

type Method = Exclude<keyof StatsBackend, "now" | "hashrateWindow" | "accountWindow" | "chartStore">;

/** Every read of the StatsBackend interface (besides them it has `now`, the window makers and `chartStore`). */
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
export function instrument(inner: StatsBackend, clock: () => number = Date.now) {
  const calls: BackendCall[] = [];
  const holds: { method: Method; match: (args: readonly unknown[]) => boolean; promise: Promise<void> }[] = [];
  let active = 0;
  let maxActive = 0;
  const backend = passThrough(inner);
  for (const method of BACKEND_METHODS) {
    const original = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner);
    backend[method] = async (...args: unknown[]) => {
      const call: BackendCall = { method, args: args.map(describeWindow), startedAt: clock() };
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
    backend: backend as unknown as StatsBackend,
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

/**
 * A wrapper's start: the clock and the window factory of `inner` (not reads, nothing to
 * record); the reads are added by the caller.
 */
export function passThrough(inner: StatsBackend): Record<Method, (...args: unknown[]) => Promise<unknown>> {
  return {
    now: inner.now,
    hashrateWindow: inner.hashrateWindow.bind(inner),
    ...(inner.accountWindow === undefined ? {} : { accountWindow: inner.accountWindow.bind(inner) }),
    ...(inner.chartStore === undefined ? {} : { chartStore: inner.chartStore.bind(inner) }),
  } as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>;
}

/** A window handle as what it stands for, its length in ms, so calls read like the cache's config. */
function describeWindow(arg: unknown): unknown {
  return typeof arg === "object" && arg !== null && "windowSeconds" in arg
    ? (arg as { windowSeconds: number }).windowSeconds * 1000
    : arg;
}
