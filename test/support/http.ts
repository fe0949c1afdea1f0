import { createServer, request as httpRequest, type IncomingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** One HTTP exchange, as the client saw it. */
export interface HttpReply {
  readonly status: number;
  /** Lower-cased names (Node's view). */
  readonly headers: IncomingHttpHeaders;
  /** Header names as sent on the wire, with their values, in order. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** Sends one request to 127.0.0.1:`port`; `path` goes on the wire as given (no URL normalization). */
export function request(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const raw: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            raw.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: raw, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A `node:http` server on 127.0.0.1 and a free port, running `listener`. */
export async function serve(listener: RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The three headers of the original, exactly as spelled on the wire. */
export const ORIGINAL_HEADERS: readonly (readonly [string, string])[] = [
  ["Content-Type", "application/json; charset=UTF-8"],
  ["Access-Control-Allow-Origin", "*"],
  ["Cache-Control", "no-cache"],
];

/** The raw headers named `name` (exact spelling). */
export function rawHeader(reply: HttpReply, name: string): string[] {
  return reply.rawHeaders.filter(([key]) => key === name).map(([, value]) => value);
}
