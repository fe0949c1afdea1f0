import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { clearTimeout, setTimeout } from "node:timers";

/** The per-connection bounds a {@link ConnectionGuard} keeps. @internal */
export interface ConnectionLimits {
  /** Requests of one connection being answered at once (pipelined, their responses not yet sent). */
  readonly maxPipelined: number;
  /** Bytes of responses one connection may have queued but not yet handed to the kernel. */
  readonly maxUnsentBytes: () => number;
  /** How long a connection may stay over its bounds before it is closed. */
  readonly overloadGraceMs: number;
  /** Told about every connection closed for its bounds. */
  readonly onDropped?: (socket: Socket, reason: "overloaded" | "pipelining") => void;
}

/** What a {@link ConnectionGuard} has seen, for metrics and tests. */
export interface ConnectionGuardStats {
  /** Connections over their bounds right now: not read from, closed once their grace ends. */
  readonly overloaded: number;
  /** Connections closed because they stayed over their bounds past the grace period. */
  readonly closedAfterGrace: number;
  /** Connections closed because they had more than twice `maxPipelined` requests ahead of their responses. */
  readonly closedForPipelining: number;
  /** Requests that waited their turn before being answered. */
  readonly deferred: number;
}

/**
 * Bytes of responses one connection may start in one turn of the event loop, judged by the
 * size of its previous response (one request per turn until one has been answered). The
 * size of a response is known only once its route has answered, a microtask after every
 * request of a pipelined chunk has reached the listener: without this share, a burst of
 * pipelined requests for a large body would all start at once, and their bytes go to the
 * kernel in one chain of writes while every other connection waits.
 */
const TURN_BYTES = 256 * 1024;

interface ConnectionState {
  /** Requests handled whose responses have not finished. */
  active: number;
  /** Bytes of those responses not yet accepted by the kernel. */
  unsent: number;
  /** Requests received but not yet handled, answered in order as the connection drains. */
  readonly waiting: [IncomingMessage, ServerResponse][];
  /** Requests started in turn `turn`. */
  started: number;
  turn: number;
  /** The size of the connection's latest response, `undefined` before one. */
  lastBytes: number | undefined;
  /** Reading is stopped (and kept stopped against Node's own resumes). */
  paused: boolean;
  /** A drain is scheduled for the next turn of the event loop. */
  draining: boolean;
  grace: ReturnType<typeof setTimeout> | undefined;
}

/** What the guard keeps on a response it started. */
interface GuardEntry {
  readonly guard: ConnectionGuard;
  readonly state: ConnectionState;
  /** Its body's bytes, once written. */
  bytes: number;
  ended: boolean;
}

const GUARD = Symbol("connection guard");
type GuardedResponse = ServerResponse & { [GUARD]?: GuardEntry };

/** The `finish` and `close` listener of every guarded response (`this` is the response). */
function responseEnded(this: ServerResponse): void {
  const entry = (this as GuardedResponse)[GUARD];
  if (entry === undefined || entry.ended) return;
  entry.ended = true;
  entry.guard.ended(this, entry);
}

/**
 * Backpressure per connection, in front of a request listener. Node answers pipelined
 * requests in order and buffers every response that is not yet the connection's turn; a
 * client that sends requests and never reads would otherwise make the server hold
 * responses without limit. Here:
 *
 * - at most `maxPipelined` requests of a connection are answered at a time, about 256 KB
 *   of responses per turn of the event loop, and none while its queued output is past `maxUnsentBytes`
 *   (responses reference shared bodies, so this bounds what a connection pins, not copies);
 * - a connection past either bound is no longer read (its further requests wait in the
 *   kernel), the requests already parsed wait their turn, and if it is still past
 *   `maxUnsentBytes`, or still has requests waiting, after `overloadGraceMs` it is closed;
 * - a connection with more than twice `maxPipelined` requests ahead of its responses (being
 *   answered or waiting) is closed at once: no legitimate client pipelines that deep.
 * @internal
 */
export class ConnectionGuard {
  private readonly connections = new WeakMap<Socket, ConnectionState>();
  private overloaded = 0;
  private closedAfterGrace = 0;
  private closedForPipelining = 0;
  private deferredCount = 0;
  /** The turn of the event loop, as far as the guard cares: bumped once per turn with starts. */
  private turn = 0;
  private turnScheduled = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly handle: (req: IncomingMessage, res: ServerResponse) => void,
  ) {}

  /** The guarded request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    if (socket.destroyed) return; // the rest of a chunk parsed after the connection was closed
    const state = this.connections.get(socket) ?? this.track(socket);
    if (state.waiting.length === 0 && this.mayStart(state)) {
      this.start(state, req, res);
      return;
    }
    this.deferredCount++;
    state.waiting.push([req, res]);
    if (state.active + state.waiting.length > 2 * this.limits.maxPipelined) {
      this.closedForPipelining++;
      this.limits.onDropped?.(socket, "pipelining"); // before the close: it still has its address
      socket.destroy();
      return;
    }
    this.drain(socket, state);
  };

  /** Records that `bytes` of body were written to `res` (the handler calls this once per response). */
  written(res: ServerResponse, bytes: number): void {
    const entry = (res as GuardedResponse)[GUARD];
    if (entry === undefined || entry.ended) return;
    const { state } = entry;
    state.unsent += bytes;
    state.lastBytes = bytes;
    entry.bytes = bytes;
    this.update(res.req.socket, state);
  }

  /** What the guard has seen so far. */
  stats(): ConnectionGuardStats {
    return {
      overloaded: this.overloaded,
      closedAfterGrace: this.closedAfterGrace,
      closedForPipelining: this.closedForPipelining,
      deferred: this.deferredCount,
    };
  }

  private track(socket: Socket): ConnectionState {
    const state: ConnectionState = {
      active: 0,
      unsent: 0,
      waiting: [],
      started: 0,
      turn: this.turn,
      lastBytes: undefined,
      paused: false,
      draining: false,
      grace: undefined,
    };
    this.connections.set(socket, state);
    // Node resumes a connection itself once its own (much smaller) buffer drains: keep it
    // stopped while this guard says so.
    socket.on("resume", () => {
      if (state.paused) socket.pause();
    });
    socket.once("close", () => {
      if (state.grace !== undefined) {
        clearTimeout(state.grace);
        state.grace = undefined;
        this.overloaded--;
      }
      state.waiting.length = 0;
    });
    return state;
  }

  private start(state: ConnectionState, req: IncomingMessage, res: ServerResponse): void {
    state.active++;
    state.started++;
    if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.nextTurn);
    }
    (res as GuardedResponse)[GUARD] = { guard: this, state, bytes: 0, ended: false };
    // Shared listeners (`this` is the response): no closure per request on the hot path.
    res.once("finish", responseEnded).once("close", responseEnded);
    this.handle(req, res);
  }

  private readonly nextTurn = (): void => {
    this.turnScheduled = false;
    this.turn++;
  };

  /** A response finished or was closed: its bytes are no longer queued, its slot is free. @internal */
  ended(res: ServerResponse, entry: GuardEntry): void {
    entry.state.active--;
    entry.state.unsent -= entry.bytes;
    this.drain(res.req.socket, entry.state);
  }

  /** No further request of this connection can be answered now: too many, or too many bytes, in flight. */
  private full(state: ConnectionState): boolean {
    return state.active >= this.limits.maxPipelined || state.unsent > this.limits.maxUnsentBytes();
  }

  /** Whether another request may start now: within the bounds, and within this turn's share. */
  private mayStart(state: ConnectionState): boolean {
    if (state.turn !== this.turn) {
      state.turn = this.turn;
      state.started = 0;
    }
    const share =
      state.lastBytes === undefined
        ? 1
        : Math.min(this.limits.maxPipelined, Math.max(1, Math.floor(TURN_BYTES / Math.max(state.lastBytes, 1024))));
    return state.started < share && !this.full(state);
  }

  /** Answers waiting requests, on the next turn of the event loop, while the connection allows. */
  private drain(socket: Socket, state: ConnectionState): void {
    this.update(socket, state);
    if (state.draining || state.waiting.length === 0) return;
    state.draining = true;
    setImmediate(() => {
      state.draining = false;
      while (state.waiting.length > 0 && !socket.destroyed && this.mayStart(state)) {
        const [req, res] = state.waiting.shift() as [IncomingMessage, ServerResponse];
        this.start(state, req, res);
      }
      // Held back by this turn's share only: go on next turn (a full connection drains on its finishes).
      if (state.waiting.length > 0 && !this.full(state)) this.drain(socket, state);
      else this.update(socket, state);
    });
  }

  /**
   * Stops reading while the connection is full or has requests waiting; arms the grace
   * timer while it is over its bounds (output past `maxUnsentBytes`, or requests waiting
   * behind a full connection); undoes both once within them.
   */
  private update(socket: Socket, state: ConnectionState): void {
    if (socket.destroyed) return;
    const full = this.full(state);
    const hold = full || state.waiting.length > 0;
    const over = state.unsent > this.limits.maxUnsentBytes() || (full && state.waiting.length > 0);
    if (hold && !state.paused) {
      state.paused = true;
      socket.pause();
    }
    if (over && state.grace === undefined) {
      this.overloaded++;
      state.grace = setTimeout(() => {
        state.grace = undefined;
        this.overloaded--;
        this.closedAfterGrace++;
        this.limits.onDropped?.(socket, "overloaded");
        socket.destroy();
      }, this.limits.overloadGraceMs);
      state.grace.unref();
    }
    if (!over && state.grace !== undefined) {
      clearTimeout(state.grace);
      state.grace = undefined;
      this.overloaded--;
    }
    if (!hold && state.paused) {
      state.paused = false;
      // Node keeps its own flag for the pause it makes when a response is not drained; it
      // resumes the socket itself then, and must not get data before (it asserts so).
      if (!(socket as { _paused?: boolean })._paused) socket.resume();
    }
  }
}
