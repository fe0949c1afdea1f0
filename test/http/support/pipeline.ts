import { connect, type Socket } from "node:net";

/** One response read off a pipelined connection. */
export interface PipelinedReply {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** A raw connection to 127.0.0.1:`port` that writes `count` pipelined GETs of `path` in one write. */
export function pipeline(port: number, path: string, count: number, extraHeaders = ""): Socket {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {}); // the server may close an abusive connection under it
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}\r\n`.repeat(count));
  return socket;
}

/**
 * Reads responses (Content-Length framed) off `socket` until `count` are complete or the
 * connection closes, and resolves with those read and whether it was closed.
 */
export function readReplies(socket: Socket, count: number): Promise<{ replies: PipelinedReply[]; closed: boolean }> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const replies: PipelinedReply[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      socket.off("data", onData);
      resolve({ replies, closed });
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) break;
        const [statusLine = "", ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
        const headers = new Map<string, string>();
        for (const line of lines) {
          const colon = line.indexOf(":");
          headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number(headers.get("content-length") ?? 0);
        if (buffer.length < end + 4 + length) break;
        replies.push({
          status: Number(statusLine.split(" ")[1]),
          headers,
          body: buffer.subarray(end + 4, end + 4 + length),
        });
        buffer = buffer.subarray(end + 4 + length);
        if (replies.length === count) {
          finish(false);
          return;
        }
      }
    };
    socket.on("data", onData);
    socket.once("close", () => finish(true));
    socket.resume();
  });
}
