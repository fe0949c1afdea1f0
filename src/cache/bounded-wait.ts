import { clearTimeout, setTimeout } from "node:timers";

/**
 * Resolves when `work` settles or `ms` have passed, whichever comes first; never rejects.
 * The timer is node:timers' own, not the global one a test may fake: it bounds a real wait
 * on real I/O, and it is cleared as soon as the work settles (no handle is left behind).
 * @internal
 */
export function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/**
 * A promise that rejects with `error()` after `ms` unless `work` settles first, and a
 * flag telling whether it did. One timer per `work`, cleared when it settles.
 * @internal
 */
export function deadline(
  work: Promise<unknown>,
  ms: number,
  error: () => Error,
): { readonly late: Promise<never>; expired: () => boolean } {
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(error());
    }, ms);
    timer.unref();
  });
  late.catch(() => undefined); // the deadline nobody raced is not an unhandled rejection
  const clear = (): void => clearTimeout(timer);
  work.then(clear, clear);
  return { late, expired: () => expired };
}
