import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

/** A `host:port` address as Go's `net.Listen`/`net.Dial` take it. @internal */
export interface HostPort {
  /** `undefined` for `":8080"` (every interface). IPv6 without brackets. */
  readonly host: string | undefined;
  readonly port: number;
}

/**
 * Parses `"0.0.0.0:8080"`, `":8080"`, `"localhost:6379"`, `"[::1]:8080"` — Go's
 * `host:port` form — naming `field` when it is not one.
 * @internal
 */
export function parseHostPort(field: string, value: unknown): HostPort {
  if (typeof value !== "string")
    throw new InvalidArgumentError(field, `must be a "host:port" string, got ${typeof value}`);
  const cut = value.lastIndexOf(":");
  const portText = value.slice(cut + 1);
  let host = value.slice(0, cut);
  const bracketed = host.startsWith("[") && host.endsWith("]");
  if (bracketed) host = host.slice(1, -1);
  const port = Number(portText);
  // Like Go: an IPv6 host needs brackets ("::1:8080" has too many colons).
  const badHost = /[[\]]/.test(host) || (!bracketed && host.includes(":"));
  if (cut < 0 || !/^\d{1,5}$/.test(portText) || port > 65_535 || badHost) {
    throw new InvalidArgumentError(field, `must be "host:port" (e.g. "0.0.0.0:8080"), got ${JSON.stringify(value)}`);
  }
  return { host: host === "" ? undefined : host, port };
}

/** `host:port` for messages, brackets around IPv6. @internal */
export function formatHostPort(host: string | undefined, port: number): string {
  const shown = host ?? "";
  return shown.includes(":") ? `[${shown}]:${port}` : `${shown}:${port}`;
}
