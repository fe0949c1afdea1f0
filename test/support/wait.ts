import { performance } from "node:perf_hooks";

/**
 * Waits, by real event-loop turns (never by timers, which tests fake), until `condition()`
 * holds; real Redis replies keep arriving meanwhile. Fails after `realMs` of real time.
 */
export async function until(condition: () => boolean, what: string, realMs = 5000): Promise<void> {
  const deadline = performance.now() + realMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A promise with its resolve function, for gates a test opens by hand. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets `realMs` of real time pass without timers (tests fake them), serving I/O meanwhile. */
export async function realSleep(realMs: number): Promise<void> {
  const end = performance.now() + realMs;
  await until(() => performance.now() >= end, "real time", realMs + 5000);
}
