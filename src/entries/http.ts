/**
 * `open-pool-stats/http`: the original API over any HTTP server. `createApiServer` is a
 * hardened `node:http` server (bounded memory per connection, timeouts, `/api/events`);
 * `createApiHandler` is a `node:http` listener; `createApiRouter` and the `build*Response`
 * builders return framework-agnostic responses for hosts with their own server (Fastify,
 * Express, Hono…), which `negotiateResponse` encodes (gzip, brotli, `304`).
 * @packageDocumentation
 */

export { ACCOUNT_LOGIN_PATTERN, buildAccountResponse } from "../http/account-response.js";
export type { ApiRequestContext } from "../http/api-request-context.js";
export { API_HEADERS, type ApiEncodedBody, type ApiFailure, type ApiResponse } from "../http/api-response.js";
export { type ApiRouter, type ApiRouterOptions, createApiRouter } from "../http/api-router.js";
export {
  type ApiServer,
  type ApiServerOptions,
  type ConnectionDroppedEvent,
  createApiServer,
} from "../http/api-server.js";
export { buildBlocksResponse } from "../http/blocks-response.js";
export type { ConnectionGuardStats } from "../http/connection-guard.js";
export {
  type ApiErrorEvent,
  type ApiHandlerOptions,
  type ApiRequestListener,
  createApiHandler,
} from "../http/create-api-handler.js";
export {
  EVENT_STREAM_HEADERS,
  HEARTBEAT_FRAME,
  type SnapshotEventSource,
  SnapshotEventStream,
  type SnapshotEventStreamOptions,
  type SnapshotEventStreamStats,
  snapshotEventFrame,
} from "../http/event-stream.js";
export {
  buildHealthResponse,
  defaultStaleAfterMs,
  type HealthBody,
  type HealthRequestContext,
} from "../http/health-response.js";
export { DEFAULT_NODES_WAIT_MS } from "../http/live-nodes.js";
export { buildMinersResponse } from "../http/miners-response.js";
export {
  acceptedCodings,
  type NegotiatedResponse,
  type NegotiationOptions,
  type NegotiationRequest,
  negotiateResponse,
} from "../http/negotiate.js";
export { buildNotFoundResponse } from "../http/not-found-response.js";
export { buildPaymentsResponse } from "../http/payments-response.js";
export type { ContentCoding } from "../http/shared-body.js";
export { buildStatsResponse } from "../http/stats-response.js";
export type { StatsSource } from "../model/seams.js";
export { buildStatusPageResponse, withStatusPage } from "../page/status-page.js";
export { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from "../page/status-page-html.js";
