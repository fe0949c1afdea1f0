import { toGoJson } from "../go/json.js";
import { nodeStatesToGo } from "../json/compat-shapes.js";
import { jsonExtrasOf, statsExtraText } from "../json/extra-fields.js";
import type { NodeStates } from "../model/results.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiFailure, type ApiResponse, apiResponse } from "./api-response.js";
import { freshnessHeaders, wholeMs } from "./freshness-headers.js";
import { snapshotBodies } from "./snapshot-bodies.js";

/**
 * `/api/stats`: always 200. The pool totals and `stats` of the snapshot, `now`, and the
 * proxies' node states read live (one read shared by concurrent requests, see
 * `StatsCache.getNodeStates`). Without a snapshot the body is `{"nodes":…}` only. When
 * the node read fails, `nodes` is `null` (as in the original) and `failure` says why.
 *
 * Only `nodes` and `now` are built per request; the rest is serialized once per snapshot.
 */
export async function buildStatsResponse(source: StatsSource, context?: ApiRequestContext): Promise<ApiResponse> {
  const ctx = resolveRequestContext(context, source);
  let nodes = "null";
  let failure: ApiFailure | undefined;
  try {
    nodes = nodesText(await source.getNodeStates());
  } catch (error) {
    failure = { kind: "nodes", error };
  }
  // Read after the node read: a snapshot swapped in meanwhile is the fresher one.
  const snapshot = source.snapshot;
  const extras = jsonExtrasOf(source.config);
  if (snapshot === undefined) {
    return apiResponse(200, `{"nodes":${nodes}${statsExtraText(undefined, extras).afterNow}}\n`, undefined, failure);
  }
  const { head, tail } = snapshotBodies(snapshot, extras).stats();
  const body = `${head}${nodes},"now":${wholeMs(ctx.now)}${tail}`;
  const headers = ctx.freshnessHeaders ? freshnessHeaders(snapshot.collectedAt, ctx.now, snapshot.version) : undefined;
  return apiResponse(200, body, headers, failure);
}

const nodeTexts = new WeakMap<NodeStates, string>();

/** The node list's JSON, once per read (concurrent requests share one frozen read). */
function nodesText(states: NodeStates): string {
  let text = nodeTexts.get(states);
  if (text === undefined) {
    text = toGoJson(nodeStatesToGo(states));
    nodeTexts.set(states, text);
  }
  return text;
}
