import type { StatsCacheErrorEvent } from "../model/events.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiResponse, apiResponse } from "./api-response.js";
import { freshnessHeaders } from "./freshness-headers.js";

/** Settings of {@link buildHealthResponse}. */
export interface HealthRequestContext extends ApiRequestContext {
  /**
   * The snapshot is fresh while its age (request clock − `collectedAt`) is at most this.
   * @defaultValue three `statsCollectInterval`s, at least 30 s ({@link defaultStaleAfterMs})
   */
  readonly staleAfterMs?: number;
}

/**
 * The health body: `status` is `"ok"` (fresh snapshot), `"stale"` (older than
 * `staleAfterMs`: collections keep failing or hang) or `"no-snapshot"` (none yet, or
 * `purgeOnly`). `lastError` names the failing operation and its error `code`, never the
 * message (it may hold addresses).
 */
export interface HealthBody {
  readonly status: "ok" | "stale" | "no-snapshot";
  readonly fresh: boolean;
  readonly version: number | null;
  readonly ageMs: number | null;
  readonly staleAfterMs: number;
  readonly lastError: { readonly operation: string; readonly at: number; readonly code: string } | null;
}

/** Three collection intervals, and at least 30 s: a slow collection is not an outage. */
export function defaultStaleAfterMs(statsCollectIntervalMs: number): number {
  return Math.max(3 * statsCollectIntervalMs, 30_000);
}

/**
 * A health check for load balancers and monitors (the original has none): 200 when the
 * snapshot is fresh, else 503 with `Retry-After`; a small JSON {@link HealthBody}, the
 * original's three headers and the freshness headers.
 */
export function buildHealthResponse(source: StatsSource, context?: HealthRequestContext): ApiResponse {
  const ctx = resolveRequestContext(context, source);
  const staleAfterMs = context?.staleAfterMs ?? defaultStaleAfterMs(source.config.statsCollectIntervalMs);
  const snapshot = source.snapshot;
  const ageMs = snapshot === undefined ? null : Math.max(0, Math.trunc(ctx.now - snapshot.collectedAt));
  const status = ageMs === null ? "no-snapshot" : ageMs <= staleAfterMs ? "ok" : "stale";
  const body: HealthBody = {
    status,
    fresh: status === "ok",
    version: snapshot?.version ?? null,
    ageMs,
    staleAfterMs,
    lastError: errorSummary(source.lastError),
  };
  const headers: Record<string, string> = {};
  if (snapshot !== undefined && ctx.freshnessHeaders) {
    Object.assign(headers, freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version));
  }
  if (status !== "ok") headers["Retry-After"] = String(ctx.retryAfterSeconds);
  return apiResponse(status === "ok" ? 200 : 503, `${JSON.stringify(body)}\n`, headers);
}

function errorSummary(event: StatsCacheErrorEvent | undefined): HealthBody["lastError"] {
  if (event === undefined) return null;
  const code = (event.error as { code?: unknown } | null)?.code;
  return { operation: event.operation, at: event.at, code: typeof code === "string" ? code : "UNKNOWN" };
}
