import type { StatsBackend } from "../../../src/model/seams.js";
import { BACKEND_METHODS, passThrough } from "../../support/instrumented-backend.js";

type Method = (typeof BACKEND_METHODS)[number];

/**
 * A real backend (every read still goes to Redis) whose next call of a method can run an
 * action first: the deterministic way to break Redis exactly when a given read starts,
 * e.g. pause the server right before the second read of a collection, so that read is
 * the one in flight when the server dies.
 */
export function hookBackend(inner: StatsBackend): {
  backend: StatsBackend;
  /** Arms `action` for the next call of `method`; resolves once it has run. */
  beforeNext(method: Method, action: () => void | Promise<void>): Promise<void>;
  /** How many times each method was called. */
  calls: Map<Method, number>;
} {
  const armed = new Map<Method, () => Promise<void>>();
  const calls = new Map<Method, number>();
  const backend = passThrough(inner);
  for (const method of BACKEND_METHODS) {
    const original = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner);
    backend[method] = async (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      const action = armed.get(method);
      if (action !== undefined) {
        armed.delete(method);
        await action();
      }
      return original(...args);
    };
  }
  return {
    backend: backend as unknown as StatsBackend,
    calls,
    beforeNext: (method, action) =>
      new Promise<void>((resolve, reject) => {
        armed.set(method, async () => {
          try {
            await action();
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      }),
  };
}
