import { resolveMuxPath } from "../http/mux-path.js";

/** Where the request-label rules look for the routes that are not the original's. */
export interface RouteLabelOptions {
  /** The health route, or `false` for none. @defaultValue "/health" */
  readonly healthPath?: string | false;
  /** Where the metrics are served. @defaultValue "/metrics" */
  readonly metricsPath?: string;
}

const POOL_ROUTES = new Set(["/api/stats", "/api/miners", "/api/blocks", "/api/payments", "/api/events"]);
const ACCOUNT = /^\/api\/accounts\/[^/]+$/;

/**
 * The `route` label of a request target, by the router's own rules (percent-decoding,
 * gorilla/mux's clean-path redirect): one of the pool routes, `/api/accounts/:login`,
 * the health and metrics paths, `redirect`, `bad-request` or `not-found`. Never the raw
 * path, so a scan of random URLs cannot grow the label set.
 */
export function routeLabel(url: string, options: RouteLabelOptions = {}): string {
  const resolved = resolveMuxPath(url);
  if (resolved.kind !== "path") return resolved.kind;
  const { path } = resolved;
  if (POOL_ROUTES.has(path)) return path;
  if (ACCOUNT.test(path)) return "/api/accounts/:login";
  if (path === (options.healthPath ?? "/health")) return path;
  if (path === (options.metricsPath ?? "/metrics")) return path;
  return "not-found";
}
