import { afterAll, afterEach, beforeAll, expect } from "vitest";

/** What reached the process without a handler during a test. */
export interface ProcessErrorEvent {
  readonly kind: "unhandledRejection" | "uncaughtException";
  readonly error: unknown;
}

/**
 * Fails the test during which a promise rejected unhandled or an exception went uncaught.
 * Uncaught exceptions are watched with `uncaughtExceptionMonitor`, which observes without
 * changing what Node (and vitest, which reports them) does with them.
 */
export function failOnProcessErrors(): void {
  const seen: ProcessErrorEvent[] = [];
  const onRejection = (error: unknown): void => {
    seen.push({ kind: "unhandledRejection", error });
  };
  const onException = (error: unknown): void => {
    seen.push({ kind: "uncaughtException", error });
  };
  beforeAll(() => {
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtExceptionMonitor", onException);
  });
  afterAll(() => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtExceptionMonitor", onException);
  });
  afterEach(async () => {
    // Node reports an unhandled rejection once the microtask queue drains: let it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.splice(0), "unhandled rejections and uncaught exceptions").toEqual([]);
  });
}
