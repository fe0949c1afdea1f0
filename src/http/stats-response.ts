import { jsonExtrasOf, noSnapshotStatsExtra } from "../json/extra-fields.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiFailure, type ApiResponse, apiResponse, sharedResponse } from "./api-response.js";
import { freshnessHeaders, wholeMs } from "./freshness-headers.js";
import { liveNodes } from "./live-nodes.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/**
 * `/api/stats`: always 200. The pool totals and `stats` of the snapshot, `now`, and the
 * proxies' node states read live (one read shared by concurrent requests). Without a
 * snapshot the body is `{"nodes":…}` only.
 *
 * No request waits on Redis for long: the node read is awaited at most
 * `context.nodesWaitMs` (250 ms) from its start. When it fails or is late, `nodes` is the
 * last good list (or `null` before any, as the original answers a failed read) and
 * `failure` says why.
 *
 * Only `nodes` and `now` are per request; the rest is serialized and compressed once per snapshot.
 */
export async function buildStatsResponse(source: StatsSource, context?: ApiRequestContext): Promise<ApiResponse> {
  const ctx = resolveRequestContext(context, source);
  const nodes = await liveNodes(source).read(ctx.nodesWaitMs);
  const failure: ApiFailure | undefined =
    nodes.failure === undefined ? undefined : { kind: "nodes", error: nodes.failure };
  // Read after the node read: a snapshot swapped in meanwhile is the fresher one.
  const snapshot = source.snapshot;
  const extras = jsonExtrasOf(source.config);
  if (snapshot === undefined) {
    return apiResponse(200, `{"nodes":${nodes.text}${noSnapshotStatsExtra(extras)}}\n`, undefined, failure);
  }
  const headers = ctx.freshnessHeaders ? freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version) : undefined;
  const values = { nodes: nodes.text, now: Buffer.from(wholeMs(ctx.now)) };
  return sharedResponse(200, snapshotBodies(snapshot, extras).stats(), values, headers, failure);
}
