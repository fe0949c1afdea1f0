import { jsonExtrasOf } from "../json/extra-fields.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiResponse, apiResponse, sharedResponse } from "./api-response.js";
import { freshnessHeaders } from "./freshness-headers.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/**
 * `/api/payments`: always 200. `payments, paymentsTotal` from the snapshot (the same bytes,
 * with an `etag`, for the whole snapshot), or `{}` without one.
 */
export function buildPaymentsResponse(source: StatsSource, context?: ApiRequestContext): ApiResponse {
  const ctx = resolveRequestContext(context, source);
  const snapshot = source.snapshot;
  if (snapshot === undefined) return apiResponse(200, "{}\n");
  const headers = ctx.freshnessHeaders ? freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version) : undefined;
  return sharedResponse(200, snapshotBodies(snapshot, jsonExtrasOf(source.config)).payments(), {}, headers);
}
