import { afterAll, afterEach, beforeAll, expect } from "vitest";

/**
 * Fails the test during which a promise rejected with nobody handling it. Vitest reports
 * such rejections too, but only as a run-level error; this names the test and the reason.
 */
export function failOnUnhandledRejections(): void {
  const reasons: unknown[] = [];
  const record = (reason: unknown): void => {
    reasons.push(reason);
  };
  beforeAll(() => {
    process.on("unhandledRejection", record);
  });
  afterAll(() => {
    process.off("unhandledRejection", record);
  });
  afterEach(async () => {
    // Node reports an unhandled rejection after the microtask queue drains: let it.
    await new Promise((resolve) => setImmediate(resolve));
    const seen = reasons.splice(0);
    expect(seen, "unhandled rejections").toEqual([]);
  });
}
