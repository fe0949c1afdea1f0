import { randomBytes } from "node:crypto";
import type { RedisClient } from "../redis/client.js";
import { sendOne } from "../redis/exec.js";
import { sendScript } from "../redis/script.js";
import { RELEASE_SCRIPT, RENEW_SCRIPT } from "./chart-scripts.js";

/** What one {@link SamplerLease.hold} found. @internal */
export interface LeaseHold {
  /** Whether this instance holds the lease now. */
  readonly held: boolean;
  /** Whether it was acquired by this call (not held before). */
  readonly acquired: boolean;
}

/**
 * The lease that makes one API instance of many the chart sampler: a Redis string
 * holding a random token with a TTL. `SET key token NX PX lease` acquires it when nobody
 * holds it; a script renews it only while it still holds this instance's token (never
 * someone else's), and another gives it up the same way. An instance that dies stops
 * renewing, and another acquires the lease once its TTL runs out.
 * @internal
 */
export class SamplerLease {
  /** This instance's token: random, so two instances (or two starts) never share one. */
  readonly token = randomBytes(16).toString("hex");
  private holding = false;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly leaseMs: number,
  ) {}

  /** Whether the latest {@link hold} found this instance holding the lease. */
  get held(): boolean {
    return this.holding;
  }

  /**
   * Renews the lease when this instance holds it, or acquires it when nobody does. A
   * Redis failure rejects and leaves what it believed unchanged: nothing may be written
   * until a later call succeeds.
   */
  async hold(operation: string): Promise<LeaseHold> {
    if (this.holding) {
      const renewed = await sendScript(
        this.client,
        RENEW_SCRIPT,
        { keys: [this.key], args: [this.token, this.leaseMs] },
        operation,
      );
      if (Number(renewed) === 1) return { held: true, acquired: false };
      this.holding = false; // expired (a pause longer than the lease) or taken over
    }
    const reply = await sendOne(this.client, ["set", this.key, this.token, "NX", "PX", this.leaseMs], operation);
    this.holding = reply === "OK";
    return { held: this.holding, acquired: this.holding };
  }

  /** Gives the lease up if this instance holds it; `true` when it did. */
  async release(operation: string): Promise<boolean> {
    if (!this.holding) return false;
    this.holding = false;
    const released = await sendScript(this.client, RELEASE_SCRIPT, { keys: [this.key], args: [this.token] }, operation);
    return Number(released) === 1;
  }
}
