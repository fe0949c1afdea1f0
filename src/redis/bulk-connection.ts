import { type NetConnectOpts, connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import type { CommandReply, RedisCommand } from "./client.js";
import { type ExpectedReply, type ParsedReply, RespReplyParser } from "./resp-reply-parser.js";

/**
 * Where and how the bulk connection connects: what the host's ioredis `Redis` was given
 * (see `bulkEndpointOf`).
 */
export interface BulkEndpoint {
  /** TCP host and port, unless `path` (a Unix socket) is given. */
  readonly host: string;
  readonly port: number;
  readonly path?: string | undefined;
  readonly family?: number | undefined;
  /** `node:tls` options, as ioredis's `tls`; absent for plain TCP. */
  readonly tls?: ConnectionOptions | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** The database to SELECT (0 is not sent). */
  readonly db: number;
  /** ioredis's `keyPrefix`: put before every key, as ioredis does. */
  readonly keyPrefix: string;
  /** Bound on connecting and the handshake, ms. */
  readonly connectTimeoutMs: number;
  /**
   * Bound on silence while a reply is awaited, ms: no byte from Redis for this long fails
   * every request waiting (a paused or partitioned server never hangs a read).
   */
  readonly replyTimeoutMs: number;
  /** A reply above this many bytes is refused (the connection is then dropped). */
  readonly maxReplyBytes: number;
}

/** A failure of the bulk connection itself (socket, timeout, protocol, bound): the request did not complete. */
export class BulkConnectionError extends Error {
  override readonly name = "BulkConnectionError";
  /** Whether the reply exceeded `maxReplyBytes` (the caller reports it as refused, not unavailable). */
  readonly tooLarge: boolean;

  constructor(message: string, options: { cause?: unknown; tooLarge?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.tooLarge = options.tooLarge ?? false;
  }
}

interface Pending extends ExpectedReply {
  readonly resolve: (reply: CommandReply) => void;
  readonly reject: (error: BulkConnectionError) => void;
}

/**
 * A dedicated RESP2 socket for the bulk range reads of one backend, next to the host's
 * ioredis client (which it never touches): plain commands written as RESP, replies read
 * by {@link RespReplyParser}, `WITHSCORES` replies handed pair by pair to the request's
 * sink as they arrive. Requests are pipelined (answered in order).
 *
 * The socket is unref'd while idle, so it never keeps a process alive; any failure
 * (error, close, silence beyond `replyTimeoutMs`, a protocol error, a reply above the
 * bound) rejects every waiting request with a {@link BulkConnectionError} and ends the
 * connection for good: its owner opens a new one for the next read.
 * @internal
 */
export class BulkConnection {
  private readonly queue: Pending[] = [];
  private readonly parser: RespReplyParser;
  private failure: BulkConnectionError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly endpoint: BulkEndpoint,
  ) {
    this.parser = new RespReplyParser(endpoint.maxReplyBytes);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(new BulkConnectionError(error.message, { cause: error })));
    socket.on("close", () => this.fail(new BulkConnectionError("Connection is closed.")));
    socket.on("timeout", () => {
      if (this.queue.length > 0) this.fail(new BulkConnectionError("Command timed out"));
    });
  }

  /**
   * Connects and authenticates (AUTH, SELECT when `db` ≠ 0, then a PING either way, so
   * the connection is known to answer), bounded by `connectTimeoutMs`.
   * @throws {@link BulkConnectionError} when it cannot (refused, timeout, TLS, AUTH or SELECT refused)
   */
  static async open(endpoint: BulkEndpoint): Promise<BulkConnection> {
    const socket = connectSocket(endpoint);
    const connection = new BulkConnection(socket, endpoint);
    socket.setTimeout(endpoint.connectTimeoutMs);
    const handshake: RedisCommand[] = [];
    if (endpoint.password !== undefined && endpoint.password !== "") {
      handshake.push(
        endpoint.username === undefined || endpoint.username === ""
          ? ["auth", endpoint.password]
          : ["auth", endpoint.username, endpoint.password],
      );
    }
    if (endpoint.db !== 0) handshake.push(["select", endpoint.db]);
    handshake.push(["ping"]);
    try {
      // Written at once (pipelined); the socket buffers them until it is connected.
      const replies = await Promise.all(handshake.map((command) => connection.send(command, {}, false)));
      const refused = replies.find((reply): reply is Extract<CommandReply, { ok: false }> => !reply.ok);
      if (refused !== undefined) throw new BulkConnectionError(refused.error.message, { cause: refused.error });
    } catch (error) {
      connection.close();
      throw error;
    }
    socket.setTimeout(0);
    socket.unref();
    return connection;
  }

  /** Whether it can still take requests. */
  get usable(): boolean {
    return this.failure === undefined && !this.socket.destroyed;
  }

  /** Requests sent and not yet answered. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Sends `command` (its key prefixed as ioredis would: give `keyed` false for keyless
   * commands). With `expect.pairs`, the reply must be a `WITHSCORES` array: its pairs go
   * to `pairs` as they arrive and the reply's value is their count; with `expect.members`,
   * an array of members, likewise. A Redis error reply (`WRONGTYPE`) resolves as `{ ok: false }`.
   * @throws {@link BulkConnectionError} (rejects) when the connection fails before the reply is complete
   */
  send(command: RedisCommand, expect: ExpectedReply = {}, keyed = true): Promise<CommandReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<CommandReply>((resolve, reject) => {
      if (this.queue.length === 0) {
        this.socket.ref(); // a read in progress keeps the process alive, an idle socket does not
        if (this.socket.timeout === 0 || this.socket.timeout === undefined) {
          this.socket.setTimeout(this.endpoint.replyTimeoutMs);
        }
      }
      this.queue.push({ pairs: expect.pairs, members: expect.members, resolve, reject });
      this.socket.write(encodeCommand(command, keyed ? this.endpoint.keyPrefix : ""));
    });
  }

  /** Buffers the writes of `send` calls made in `sends`, to write them at once (one syscall). */
  batch(sends: () => void): void {
    this.socket.cork();
    try {
      sends();
    } finally {
      this.socket.uncork();
    }
  }

  /** Ends the connection (QUIT is not needed: Redis drops a closed client). Waiting requests reject. */
  close(): void {
    this.fail(new BulkConnectionError("Connection is closed."));
  }

  private onData(chunk: Buffer): void {
    let replies: ParsedReply[];
    try {
      replies = this.parser.feed(chunk, (index) => this.queue[index]);
    } catch (error) {
      const tooLarge = error instanceof Error && error.name === "ReplyTooLargeError";
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new BulkConnectionError(message, { cause: error, tooLarge }));
      return;
    }
    for (const reply of replies) {
      const pending = this.queue.shift() as Pending;
      pending.resolve(reply);
    }
    if (this.queue.length === 0) {
      this.socket.setTimeout(0);
      this.socket.unref();
    }
  }

  private fail(error: BulkConnectionError): void {
    if (this.failure === undefined) this.failure = error;
    this.socket.destroy();
    this.parser.reset();
    const waiting = this.queue.splice(0);
    for (const pending of waiting) pending.reject(this.failure);
  }
}

function connectSocket(endpoint: BulkEndpoint): Socket {
  const base: NetConnectOpts =
    endpoint.path === undefined
      ? {
          host: endpoint.host,
          port: endpoint.port,
          ...(endpoint.family === undefined ? {} : { family: endpoint.family }),
        }
      : { path: endpoint.path };
  const socket =
    endpoint.tls === undefined ? netConnect(base) : tlsConnect({ ...endpoint.tls, ...base } as ConnectionOptions);
  socket.setNoDelay(true);
  return socket;
}

/** `command` as a RESP array of bulk strings; its first argument (the key) gets `keyPrefix`. */
export function encodeCommand(command: RedisCommand, keyPrefix: string): Buffer {
  const [name, ...args] = command;
  const parts: string[] = [`*${command.length}\r\n`, bulk(name)];
  args.forEach((arg, index) => {
    parts.push(bulk(index === 0 ? keyPrefix + String(arg) : String(arg)));
  });
  return Buffer.from(parts.join(""), "utf8");
}

function bulk(text: string): string {
  return `$${Buffer.byteLength(text, "utf8")}\r\n${text}\r\n`;
}
