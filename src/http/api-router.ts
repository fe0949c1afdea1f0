import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type DurationInput, parseDuration } from "../go/duration.js";
import type { StatsSource } from "../model/seams.js";
import type { Clock } from "../time/clock.js";
import { ACCOUNT_LOGIN_PATTERN, buildAccountResponse } from "./account-response.js";
import type { ApiRequestContext } from "./api-request-context.js";
import { defaultRetryAfterSeconds } from "./api-request-context.js";
import { type ApiResponse, apiResponse } from "./api-response.js";
import { buildBlocksResponse } from "./blocks-response.js";
import { buildHealthResponse, defaultStaleAfterMs } from "./health-response.js";
import { DEFAULT_NODES_WAIT_MS } from "./live-nodes.js";
import { buildMinersResponse } from "./miners-response.js";
import { cleanPath, resolveMuxPath } from "./mux-path.js";
import { buildNotFoundResponse } from "./not-found-response.js";
import { buildPaymentsResponse } from "./payments-response.js";
import { buildStatsResponse } from "./stats-response.js";

/** Options of {@link createApiRouter} (and {@link createApiHandler}). */
export interface ApiRouterOptions {
  /**
   * The clock, epoch ms, read once per request: `now` in bodies, ages in headers, health.
   * @defaultValue the source's clock (`source.now`, a cache's is its backend's)
   */
  readonly now?: Clock;
  /**
   * Where the health route answers, or `false` for none. Must be a clean path that is not
   * one of the original's routes.
   * @defaultValue `"/health"`
   */
  readonly healthPath?: string | false;
  /**
   * The health route reports the snapshot stale (503) beyond this age.
   * @defaultValue three `statsCollectInterval`s, at least 30 s
   */
  readonly staleAfter?: DurationInput;
  /**
   * `Retry-After` of 503s, rounded up to whole seconds.
   * @defaultValue the `statsCollectInterval`
   */
  readonly retryAfter?: DurationInput;
  /**
   * Add `X-Stats-Version` / `X-Stats-Age-Ms` to responses served from cached data.
   * @defaultValue `true`
   */
  readonly freshnessHeaders?: boolean;
  /**
   * How long `/api/stats` waits for the live node read (from the read's start) before it
   * answers with the last good node list: a hung Redis never holds the route longer.
   * @defaultValue `"250ms"`
   */
  readonly nodesWait?: DurationInput;
}

/**
 * Answers one request target (`req.url`: path and query) with the original API's
 * response. Methods do not matter (the original answers every method alike); a HEAD
 * response is the GET response without its body, which the host's server drops.
 * Never rejects: an unexpected error is a 500 with `failure` set.
 */
export type ApiRouter = (url: string) => Promise<ApiResponse>;

const POOL_ROUTES = ["/api/stats", "/api/miners", "/api/blocks", "/api/payments"] as const;
const ACCOUNTS = "/api/accounts/";

/**
 * The original API's routing, framework-agnostic: `/api/stats`, `/api/miners`,
 * `/api/blocks`, `/api/payments`, `/api/accounts/<0x + 40 hex>`, anything else 404 with
 * an empty body; paths percent-decoded and non-canonical ones redirected (301) as
 * gorilla/mux does; plus the health route. Query strings are ignored.
 *
 * @throws {@link InvalidArgumentError} for a bad option, at once
 */
export function createApiRouter(source: StatsSource, options: ApiRouterOptions = {}): ApiRouter {
  const settings = resolveRouterOptions(source, options);
  return async (url) => {
    try {
      return await route(source, settings, url);
    } catch (error) {
      return apiResponse(500, "", undefined, { kind: "internal", error });
    }
  };
}

interface RouterSettings {
  readonly now: Clock;
  readonly healthPath: string | undefined;
  readonly staleAfterMs: number;
  readonly retryAfterSeconds: number;
  readonly freshnessHeaders: boolean;
  readonly nodesWaitMs: number;
}

async function route(source: StatsSource, settings: RouterSettings, url: string): Promise<ApiResponse> {
  const target = resolveMuxPath(typeof url === "string" ? url : "");
  if (target.kind === "redirect") return apiResponse(301, "", { Location: target.location });
  if (target.kind === "bad-request") return apiResponse(400, "");
  if (target.kind === "not-found") return buildNotFoundResponse();
  const context: ApiRequestContext = {
    now: settings.now(),
    retryAfterSeconds: settings.retryAfterSeconds,
    freshnessHeaders: settings.freshnessHeaders,
    nodesWaitMs: settings.nodesWaitMs,
  };
  const { path } = target;
  switch (path) {
    case "/api/stats":
      return buildStatsResponse(source, context);
    case "/api/miners":
      return buildMinersResponse(source, context);
    case "/api/blocks":
      return buildBlocksResponse(source, context);
    case "/api/payments":
      return buildPaymentsResponse(source, context);
    case settings.healthPath:
      return buildHealthResponse(source, { ...context, staleAfterMs: settings.staleAfterMs });
  }
  if (path.startsWith(ACCOUNTS)) {
    const login = path.slice(ACCOUNTS.length);
    // The pattern is checked before any Redis command: hostile logins cost nothing.
    if (ACCOUNT_LOGIN_PATTERN.test(login)) return buildAccountResponse(source, login, context);
  }
  return buildNotFoundResponse();
}

function resolveRouterOptions(source: StatsSource, options: ApiRouterOptions): RouterSettings {
  if (typeof options !== "object" || options === null) throw new InvalidArgumentError("options", "must be an object");
  const now = options.now ?? source.now;
  if (typeof now !== "function") throw new InvalidArgumentError("now", "must be a function returning epoch ms");
  const interval = source.config.statsCollectIntervalMs;
  return {
    now,
    healthPath: healthPath(options.healthPath ?? "/health"),
    staleAfterMs:
      options.staleAfter === undefined ? defaultStaleAfterMs(interval) : duration("staleAfter", options.staleAfter),
    retryAfterSeconds:
      options.retryAfter === undefined
        ? defaultRetryAfterSeconds(interval)
        : Math.max(1, Math.ceil(duration("retryAfter", options.retryAfter) / 1000)),
    freshnessHeaders: options.freshnessHeaders ?? true,
    nodesWaitMs: options.nodesWait === undefined ? DEFAULT_NODES_WAIT_MS : duration("nodesWait", options.nodesWait),
  };
}

function healthPath(value: string | false): string | undefined {
  if (value === false) return undefined;
  if (typeof value !== "string" || !value.startsWith("/") || cleanPath(value) !== value) {
    throw new InvalidArgumentError("healthPath", `must be a clean absolute path or false, got ${String(value)}`);
  }
  if ((POOL_ROUTES as readonly string[]).includes(value) || value.startsWith(ACCOUNTS)) {
    throw new InvalidArgumentError("healthPath", `must not shadow a route of the original API: ${value}`);
  }
  return value;
}

function duration(field: string, value: DurationInput): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(field, error instanceof InvalidArgumentError ? error.reason : String(error), {
      cause: error,
    });
  }
}
