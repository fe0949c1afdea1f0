import { type ApiResponse, apiResponse } from "./api-response.js";

/** The original's NotFound handler: 404, its three headers, an empty body. */
export function buildNotFoundResponse(): ApiResponse {
  return apiResponse(404, "");
}
