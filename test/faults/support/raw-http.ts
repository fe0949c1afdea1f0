import { connect } from "node:net";

/** A response read off the wire, whoever wrote it (the handler, or Node's parser refusing the request). */
export interface RawReply {
  readonly status: number;
  /** Header names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/**
 * Sends one HTTP/1.1 request with exactly these bytes in its request line (no URL
 * checks, no encoding: control bytes, invalid UTF-8, 100 KB targets all go out as
 * given) on a connection of its own, and reads the response until the server closes.
 */
export function rawRequest(port: number, method: string, target: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const reply = parse(Buffer.concat(chunks));
      // A server that refuses a request may reset the connection while we still write.
      if (reply !== undefined) resolve(reply);
      else reject(error ?? new Error("the connection closed without a response"));
    };
    socket.setTimeout(10_000, () => finish(new Error("no response within 10 s")));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    socket.on("error", (error) => finish(error));
    socket.write(
      Buffer.concat([
        Buffer.from(`${method} `, "latin1"),
        typeof target === "string" ? Buffer.from(target, "latin1") : target,
        Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "latin1"),
      ]),
    );
  });
}

function parse(bytes: Buffer): RawReply | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { status, headers, body: bytes.subarray(end + 4) };
}
