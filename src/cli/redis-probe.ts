import type { ConnectionOptions } from "node:tls";
import { Redis } from "ioredis";
import { selectDatabase } from "../redis/database.js";
import { type FailureSummary, summarizeFailure } from "../redis/failure-summary.js";
import type { HostPort } from "./host-port.js";

/** Where a probe connects. @internal */
export interface ProbeTarget {
  readonly node: HostPort;
  readonly username: string | undefined;
  readonly password: string;
  readonly database: number;
  readonly tls: ConnectionOptions | undefined;
  /** @defaultValue 5000, the original's dial timeout */
  readonly timeoutMs?: number;
}

/** What a probe found. @internal */
export type ProbeOutcome =
  /** Authenticated, the database selected, PING answered. */
  | { readonly kind: "ready" }
  /** The database does not exist there: a configuration mistake, not an outage. */
  | { readonly kind: "no-such-database"; readonly failure: FailureSummary }
  /** Not now (down, refusing the password, loading…): try again later. */
  | { readonly kind: "unavailable"; readonly failure: FailureSummary; readonly error: unknown };

/**
 * One short-lived connection that checks a server before anything uses it, sending only
 * AUTH (when there is a password), `SELECT <database>` and PING — no HELLO, no CLIENT
 * SETINFO, no INFO ready check, so nothing runs on a database that was never verified.
 * It never retries; the caller paces the attempts.
 * @internal
 */
export async function probeRedis(target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = target.timeoutMs ?? 5000;
  const redis = new Redis({
    host: target.node.host ?? "127.0.0.1",
    port: target.node.port,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === "" ? {} : { password: target.password }),
    ...(target.tls === undefined ? {} : { tls: target.tls }),
    protocol: 2,
    enableReadyCheck: false,
    disableClientInfo: true,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  let connectionError: unknown;
  redis.on("error", (error: unknown) => {
    connectionError ??= error; // the handshake's own failure (AUTH) arrives here first
  });
  try {
    await redis.connect();
    const refused = await selectDatabase(redis, target.database);
    if (refused !== undefined) return { kind: "no-such-database", failure: summarizeFailure(refused) };
    await redis.ping();
    return { kind: "ready" };
  } catch (error) {
    const cause = connectionError ?? error;
    return { kind: "unavailable", failure: summarizeFailure(cause), error: cause };
  } finally {
    redis.disconnect();
  }
}
