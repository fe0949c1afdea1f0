import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { CommandFailedError } from "../errors/command-failed-error.js";
import { toGoJson } from "../go/json.js";
import { accountWithExtras, type JsonExtras, jsonExtrasOf } from "../json/extra-fields.js";
import type { Account } from "../model/account.js";
import type { StatsSource } from "../model/seams.js";
import { type ApiRequestContext, resolveRequestContext } from "./api-request-context.js";
import { type ApiResponse, apiResponse, sharedResponse } from "./api-response.js";
import { freshnessHeaders } from "./freshness-headers.js";
import { SharedBody } from "./shared-body.js";

/**
 * The original's route pattern for a login: `0x` and exactly 40 hex digits of any case
 * (`0X…`, 39 or 41 digits do not match).
 */
export const ACCOUNT_LOGIN_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/**
 * `/api/accounts/<login>`: the miner's account, lower-cased login.
 *
 * - 200 with the original's body (serialized once per cached account entry, compressed
 *   once above 1 KB, with an `etag`);
 * - 404, empty body, when the miner does not exist, and for a login the original's route
 *   would not match (checked here, before any Redis command, so a host routing with its
 *   own framework gets the original's answers);
 * - 503 with `Retry-After` when Redis fails (the original answers 404 or 500), `failure`
 *   set; any other error rejects (a host's router turns it into a 500).
 *
 * @param login - the path segment, as requested (percent-decoded)
 */
export async function buildAccountResponse(
  source: StatsSource,
  login: string,
  context?: ApiRequestContext,
): Promise<ApiResponse> {
  const ctx = resolveRequestContext(context, source);
  if (typeof login !== "string" || !ACCOUNT_LOGIN_PATTERN.test(login)) return apiResponse(404, "");
  let result: Awaited<ReturnType<StatsSource["getAccount"]>>;
  try {
    result = await source.getAccount(login);
  } catch (error) {
    // Redis did not answer, or refused the read: the client should come back later.
    if (!(error instanceof BackendUnavailableError || error instanceof CommandFailedError)) throw error;
    return apiResponse(503, "", { "Retry-After": String(ctx.retryAfterSeconds) }, { kind: "account", error });
  }
  if (!result.found) return apiResponse(404, "");
  const headers = ctx.freshnessHeaders ? freshnessHeaders(result.account.updatedAt, ctx.now) : undefined;
  return sharedResponse(200, accountBody(result.account, jsonExtrasOf(source.config)), {}, headers);
}

const accountBodies = new WeakMap<Account, SharedBody>();

/**
 * An account entry is frozen and replaced on refresh: its body is built once (with the
 * source's extras, the same for every request), dropped with it.
 */
function accountBody(account: Account, extras: JsonExtras): SharedBody {
  let body = accountBodies.get(account);
  if (body === undefined) {
    body = SharedBody.whole(Buffer.from(`${toGoJson(accountWithExtras(account, extras))}\n`));
    accountBodies.set(account, body);
  }
  return body;
}
