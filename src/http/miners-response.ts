import { jsonExtrasOf } from "../json/extra-fields.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiResponse, apiResponse, sharedResponse } from "./api-response.js";
import { freshnessHeaders, wholeMs } from "./freshness-headers.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/**
 * `/api/miners`: always 200. `hashrate, miners, minersTotal, now` from the snapshot
 * (serialized and compressed once per snapshot; only `now` is per request), or `{}`
 * without one.
 */
export function buildMinersResponse(source: StatsSource, context?: ApiRequestContext): ApiResponse {
  const ctx = resolveRequestContext(context, source);
  const snapshot = source.snapshot;
  if (snapshot === undefined) return apiResponse(200, "{}\n");
  const headers = ctx.freshnessHeaders ? freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version) : undefined;
  return sharedResponse(
    200,
    snapshotBodies(snapshot, jsonExtrasOf(source.config)).miners(),
    { now: Buffer.from(wholeMs(ctx.now)) },
    headers,
  );
}
