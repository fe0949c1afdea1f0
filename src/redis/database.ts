import type { Redis } from "ioredis";
import { CommandFailedError } from "../errors/command-failed-error.js";
import { sendOne } from "./exec.js";

/**
 * Selects `database` on `redis` and says whether that worked: the check a connection needs
 * before any read or write, because ioredis's own `SELECT` at connect only raises an
 * `error` event when it fails and then carries on, on database 0. Sending it again is
 * harmless (SELECT is idempotent) and costs one round trip.
 *
 * @returns `undefined` once selected, or the {@link CommandFailedError} when Redis refused
 *   it (`ERR DB index is out of range`: the server has fewer databases, or it is a
 *   Cluster, which has only 0)
 * @throws `BackendUnavailableError` (with `redisCode`: `NOAUTH`, `LOADING`…) when Redis
 *   could not answer it now
 */
export async function selectDatabase(redis: Redis, database: number): Promise<CommandFailedError | undefined> {
  try {
    await sendOne(redis, ["select", database], "selectDatabase");
    return undefined;
  } catch (error) {
    if (error instanceof CommandFailedError) return error;
    throw error;
  }
}
