import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResponse } from "../http/api-response.js";
import type { ApiRequestListener } from "../http/create-api-handler.js";
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from "./status-page-html.js";

const BODY = Buffer.from(STATUS_PAGE_HTML, "utf8");

/** The headers of the status page: HTML, never cached stale, locked down by its CSP. */
const HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-cache",
  "Content-Security-Policy": STATUS_PAGE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
});

/**
 * The built-in status page as a framework-agnostic response (status 200, its headers, the
 * HTML bytes; the same Buffer every time). Serve it at the root of the server that
 * serves the API: the page fetches `/api/stats`, `/api/blocks` and `/api/accounts/<login>`
 * from its own origin.
 */
export function buildStatusPageResponse(): ApiResponse {
  return { status: 200, headers: { ...HEADERS }, body: BODY };
}

/**
 * `listener` (usually `createApiHandler(cache)`) with the status page at `/`: a GET or
 * HEAD of `/` (any query) gets the page; every other request goes to `listener`
 * unchanged, so the API's answers stay the original's. The original API has no page: use
 * this only where one is wanted (`serve` with `api.statusPage: true`, `demo`).
 */
export function withStatusPage(listener: ApiRequestListener): ApiRequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "";
    const path = url.indexOf("?") < 0 ? url : url.slice(0, url.indexOf("?"));
    if (path !== "/" || (req.method !== "GET" && req.method !== "HEAD")) {
      listener(req, res);
      return;
    }
    const page = buildStatusPageResponse();
    res.writeHead(page.status, { ...page.headers, "Content-Length": String(BODY.length) });
    res.end(req.method === "HEAD" ? undefined : BODY);
  };
}
