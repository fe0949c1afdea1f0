import type { StatsSource } from "../model/seams.js";
import { DEFAULT_NODES_WAIT_MS } from "./live-nodes.js";

/** Per-request settings of the response builders; every field is optional. */
export interface ApiRequestContext {
  /**
   * The clock reading at request time, epoch ms: `now` in the `/api/stats` and
   * `/api/miners` bodies, and the ages in the freshness headers.
   * @defaultValue one reading of the source's clock (`source.now()`)
   */
  readonly now?: number;
  /**
   * Add `X-Stats-Version` and `X-Stats-Age-Ms` to responses served from the snapshot
   * (and `X-Stats-Age-Ms` to accounts). Bodies are the same either way.
   * @defaultValue `true`
   */
  readonly freshnessHeaders?: boolean;
  /**
   * The `Retry-After` of a 503, in seconds.
   * @defaultValue the `statsCollectInterval`, rounded up to whole seconds
   */
  readonly retryAfterSeconds?: number;
  /**
   * How long `/api/stats` waits for the live node read, from the read's start, before it
   * answers with the last good node list instead.
   * @defaultValue `250`
   */
  readonly nodesWaitMs?: number;
}

/** {@link ApiRequestContext} with its defaults applied. @internal */
export interface ResolvedRequestContext {
  readonly now: number;
  readonly freshnessHeaders: boolean;
  readonly retryAfterSeconds: number;
  readonly nodesWaitMs: number;
}

/** Applies the defaults: the time is the source's clock unless the context gives one. @internal */
export function resolveRequestContext(
  context: ApiRequestContext | undefined,
  source: Pick<StatsSource, "now" | "config">,
): ResolvedRequestContext {
  return {
    now: context?.now ?? source.now(),
    freshnessHeaders: context?.freshnessHeaders ?? true,
    retryAfterSeconds: context?.retryAfterSeconds ?? defaultRetryAfterSeconds(source.config.statsCollectIntervalMs),
    nodesWaitMs: context?.nodesWaitMs ?? DEFAULT_NODES_WAIT_MS,
  };
}

/** One collection interval, in whole seconds (at least 1): when fresh data can be expected. @internal */
export function defaultRetryAfterSeconds(statsCollectIntervalMs: number): number {
  return Math.max(1, Math.ceil(statsCollectIntervalMs / 1000));
}
