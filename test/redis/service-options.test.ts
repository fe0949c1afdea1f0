import { describe, expect, it } from "vitest";
import { SERVICE_REDIS_OPTIONS } from "../../src/redis/service-options.js";

describe("SERVICE_REDIS_OPTIONS", () => {
  it("fails fast while disconnected", () => {
    expect(SERVICE_REDIS_OPTIONS).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  });

  it("reconnects forever, from 100 ms up to 2 s between attempts", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 1000, 1e9].map(SERVICE_REDIS_OPTIONS.retryStrategy);
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000]);
  });
});
