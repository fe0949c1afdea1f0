import { jsonExtrasOf } from "../json/extra-fields.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiResponse, apiResponse, sharedResponse } from "./api-response.js";
import { freshnessHeaders } from "./freshness-headers.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/**
 * `/api/blocks`: always 200. `candidates, candidatesTotal, immature, immatureTotal, luck,
 * matured, maturedTotal` from the snapshot (`luck` is `null` without `luckWindow`), or
 * `{}` without one. The body is the same bytes (with an `etag`) for the whole snapshot.
 *
 * A luck row holding NaN or ±Infinity is left out (reported once per snapshot through
 * `failure`) instead of blanking the whole body as the original does.
 */
export function buildBlocksResponse(source: StatsSource, context?: ApiRequestContext): ApiResponse {
  const ctx = resolveRequestContext(context, source);
  const snapshot = source.snapshot;
  if (snapshot === undefined) return apiResponse(200, "{}\n");
  const bodies = snapshotBodies(snapshot, jsonExtrasOf(source.config));
  const { body } = bodies.blocks();
  const dropped = bodies.claimLuckReport();
  const headers = ctx.freshnessHeaders ? freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version) : undefined;
  const failure =
    dropped === undefined
      ? undefined
      : {
          kind: "luck" as const,
          error: new Error(`luck rows ${dropped.join(", ")} left out of /api/blocks: not finite numbers`),
        };
  return sharedResponse(200, body, {}, headers, failure);
}
