import type { IncomingMessage, ServerResponse } from "node:http";
import { clearInterval, setInterval } from "node:timers";
import type { StatsSource } from "../model/seams.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import { API_HEADERS } from "./api-response.js";

/** Options of {@link SnapshotEventStream}. */
export interface SnapshotEventStreamOptions {
  /**
   * At most this many clients at once; one more gets a `503` with `Retry-After`.
   * @defaultValue `1000`
   */
  readonly maxClients?: number;
  /**
   * A comment line (`: heartbeat`) is sent this often, so proxies keep the stream open
   * and clients notice a dead one.
   * @defaultValue `15000` (ms)
   */
  readonly heartbeatMs?: number;
  /**
   * A client whose unsent frames would exceed this many bytes is dropped (its connection
   * closed): a slow client is never buffered for. The kernel's socket buffers come first,
   * so this is what the process itself holds per client at most.
   * @defaultValue `65536`
   */
  readonly maxBufferedBytes?: number;
  /**
   * `Retry-After` of the `503` answered beyond `maxClients`, and the `retry:` the stream
   * tells clients to reconnect after, in seconds.
   * @defaultValue `5`
   */
  readonly retryAfterSeconds?: number;
  /** Told about every client dropped for not reading. Exceptions it throws are ignored. */
  readonly onDropped?: (res: ServerResponse) => void;
}

/** What the stream reads of its source: the current snapshot, and the cache's events if it has them. */
export type SnapshotEventSource = Pick<StatsSource, "snapshot" | "on">;

/**
 * The headers of an event stream response: `text/event-stream`, the original's CORS and
 * cache headers, and `X-Accel-Buffering: no` so nginx passes frames at once.
 */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "text/event-stream; charset=utf-8",
  "Access-Control-Allow-Origin": API_HEADERS["Access-Control-Allow-Origin"] as string,
  "Cache-Control": API_HEADERS["Cache-Control"] as string,
  "X-Accel-Buffering": "no",
});

/** The heartbeat frame: an SSE comment, ignored by browsers' `EventSource`. */
export const HEARTBEAT_FRAME = ": heartbeat\n\n";

/**
 * The frame announcing `snapshot`: `event: snapshot`, its `version` as the event id, and
 * one line of JSON — `{"version":12,"collectedAt":1700000000000,"hashrate":5527416934,
 * "minersTotal":250}` (the hashrate with every digit). A client fetches the routes it
 * shows when one arrives, instead of polling them.
 */
export function snapshotEventFrame(snapshot: StatsSnapshot): string {
  const { version, collectedAt, stats } = snapshot;
  const data = `{"version":${version},"collectedAt":${Math.trunc(collectedAt)},"hashrate":${stats.hashrate},"minersTotal":${stats.minersTotal}}`;
  return `id: ${version}\nevent: snapshot\ndata: ${data}\n\n`;
}

/** What a {@link SnapshotEventStream} has done, for metrics and tests. */
export interface SnapshotEventStreamStats {
  /** Clients connected now. */
  readonly clients: number;
  /** Clients dropped because they did not read their frames. */
  readonly dropped: number;
  /** Clients refused because `maxClients` were connected. */
  readonly refused: number;
}

/**
 * `GET /api/events` for `node:http`: pushes one small frame per new snapshot
 * ({@link snapshotEventFrame}) to every connected client, and a heartbeat, with bounded
 * memory: at most `maxClients` clients, each holding at most `maxBufferedBytes` of unsent
 * frames (plus those of one event-loop turn) before it is dropped. It listens to the source's `collected` event only while it
 * has clients.
 *
 * Hosts on another framework do the same with the exported pieces: write
 * {@link EVENT_STREAM_HEADERS}, then `snapshotEventFrame(snapshot)` from a
 * `cache.on("collected", …)` listener and {@link HEARTBEAT_FRAME} on a timer.
 */
export class SnapshotEventStream {
  private readonly clients = new Set<ServerResponse>();
  /** Clients found over `maxBufferedBytes` this turn, checked again on the next. */
  private readonly suspects = new Set<ServerResponse>();
  private readonly maxClients: number;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly retryAfterSeconds: number;
  private readonly onDropped: ((res: ServerResponse) => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private dropped = 0;
  private refused = 0;
  private closed = false;

  constructor(
    private readonly source: SnapshotEventSource,
    options: SnapshotEventStreamOptions = {},
  ) {
    this.maxClients = options.maxClients ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 65_536;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    this.onDropped = options.onDropped;
  }

  /**
   * Answers `req` with the stream: the headers, `retry:`, and the current snapshot's frame
   * at once (so a client needs no first poll); or a `503` beyond `maxClients`, or after
   * `close()`. A HEAD request gets the headers only.
   */
  attach(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed || this.clients.size >= this.maxClients || this.source.on === undefined) {
      this.refused++;
      res.writeHead(503, { ...API_HEADERS, "Retry-After": String(this.retryAfterSeconds), "Content-Length": "0" });
      res.end();
      return;
    }
    res.writeHead(200, EVENT_STREAM_HEADERS);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    res.socket?.setNoDelay(true);
    this.clients.add(res);
    res.once("close", () => this.remove(res));
    const snapshot = this.source.snapshot;
    this.write(
      res,
      `retry: ${this.retryAfterSeconds * 1000}\n\n${snapshot === undefined ? "" : snapshotEventFrame(snapshot)}`,
    );
    this.listen();
  }

  /** Sends `snapshot`'s frame to every client (the cache's `collected` event calls this). */
  publish(snapshot: StatsSnapshot): void {
    this.broadcast(snapshotEventFrame(snapshot));
  }

  /** Ends every stream and refuses new clients; the source is no longer listened to. */
  close(): void {
    this.closed = true;
    for (const res of [...this.clients]) {
      this.clients.delete(res);
      res.end();
    }
    this.quiet();
  }

  /** Clients now, dropped and refused so far. */
  stats(): SnapshotEventStreamStats {
    return { clients: this.clients.size, dropped: this.dropped, refused: this.refused };
  }

  private broadcast(frame: string): void {
    if (this.clients.size === 0) return;
    const bytes = Buffer.from(frame); // one Buffer for every client
    for (const res of [...this.clients]) this.write(res, bytes);
  }

  /**
   * Writes a frame; a client holding more than `maxBufferedBytes` unsent is dropped. Node
   * corks a response's socket for the rest of the turn on each write, so the check is made
   * on the next turn, once this turn's frames have gone to the kernel: what stays buffered
   * then is what the client did not read.
   */
  private write(res: ServerResponse, frame: string | Buffer): void {
    if (res.destroyed) return;
    res.write(frame);
    if (res.writableLength > this.maxBufferedBytes && !this.suspects.has(res)) {
      this.suspects.add(res);
      if (this.suspects.size === 1) setImmediate(() => this.dropSlow());
    }
  }

  private dropSlow(): void {
    for (const res of this.suspects) {
      if (res.destroyed || res.writableLength <= this.maxBufferedBytes) continue;
      this.dropped++;
      this.remove(res);
      try {
        this.onDropped?.(res); // before the close: its socket still has its address
      } catch {
        // A logger that throws must not stop the others' frames.
      }
      res.destroy();
    }
    this.suspects.clear();
  }

  private remove(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0) this.quiet();
  }

  /** Subscribes to snapshots and starts the heartbeat, when the first client comes. */
  private listen(): void {
    if (this.unsubscribe !== undefined || this.source.on === undefined) return;
    this.unsubscribe = this.source.on("collected", (snapshot) => this.publish(snapshot));
    this.heartbeat = setInterval(() => this.broadcast(HEARTBEAT_FRAME), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Stops listening when the last client leaves. */
  private quiet(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
