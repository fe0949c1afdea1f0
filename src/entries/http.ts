/**
 * `open-pool-stats/http`: the original API over any HTTP server. `createApiHandler` is a
 * `node:http` listener; `createApiRouter` and the `build*Response` builders return
 * framework-agnostic responses for hosts with their own server (Fastify, Express, Hono…).
 * @packageDocumentation
 */

export { ACCOUNT_LOGIN_PATTERN, buildAccountResponse } from "../http/account-response.js";
export type { ApiRequestContext } from "../http/api-request-context.js";
export { API_HEADERS, type ApiFailure, type ApiResponse } from "../http/api-response.js";
export { type ApiRouter, type ApiRouterOptions, createApiRouter } from "../http/api-router.js";
export { buildBlocksResponse } from "../http/blocks-response.js";
export {
  type ApiErrorEvent,
  type ApiHandlerOptions,
  type ApiRequestListener,
  createApiHandler,
} from "../http/create-api-handler.js";
export {
  buildHealthResponse,
  defaultStaleAfterMs,
  type HealthBody,
  type HealthRequestContext,
} from "../http/health-response.js";
export { buildMinersResponse } from "../http/miners-response.js";
export { buildNotFoundResponse } from "../http/not-found-response.js";
export { buildPaymentsResponse } from "../http/payments-response.js";
export { buildStatsResponse } from "../http/stats-response.js";
export type { StatsSource } from "../model/seams.js";
export { buildStatusPageResponse, withStatusPage } from "../page/status-page.js";
export { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from "../page/status-page-html.js";
