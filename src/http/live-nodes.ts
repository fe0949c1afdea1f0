import { clearTimeout, setTimeout } from "node:timers";
import { BackendUnavailableError } from "../errors/backend-unavailable-error.js";
import { toGoJson } from "../go/json.js";
import { nodeStatesToGo } from "../json/compat-shapes.js";
import type { NodeStates } from "../model/results.js";
import type { StatsSource } from "../model/seams.js";

/** How long `/api/stats` waits for the live node read before it answers without it. */
export const DEFAULT_NODES_WAIT_MS = 250;

/** The node list to put in a body, and why it is not a fresh read when it is not. @internal */
export interface NodesAnswer {
  /** The JSON of the node list: this read's, else the last good one, else `null`. */
  readonly text: Buffer;
  /** Why this read gave no nodes: its error, or a `BackendUnavailableError` when it was not back in time. */
  readonly failure?: unknown;
}

const NULL = Buffer.from("null");

interface PendingRead {
  readonly result: Promise<NodesAnswer>;
  /** Resolves when the wait is over (never, when the read settles first). */
  readonly deadline: Promise<NodesAnswer>;
  overdue: NodesAnswer | undefined;
}

/**
 * The proxies' node states as `/api/stats` serves them, read live as the original does but
 * without ever making a request wait on Redis for long: one read at a time per source
 * (shared by every request that arrives meanwhile), awaited at most `waitMs` from its
 * start. A read that fails, or is not back in time, gives the last good node list (or
 * `null` before any), with the failure reported. A read that hangs keeps running on its
 * own (bounded by the connection's command timeout); while it does, requests are answered
 * at once from the last good list, and the next request after it settles reads again.
 * @internal
 */
export class LiveNodes {
  private lastGood: Buffer | undefined;
  private pending: PendingRead | undefined;

  constructor(private readonly source: Pick<StatsSource, "getNodeStates">) {}

  /** The node list for one response, within `waitMs` of the read's start. Never rejects. */
  read(waitMs: number): Promise<NodesAnswer> {
    const pending = this.pending ?? this.start(waitMs);
    if (pending.overdue !== undefined) return Promise.resolve(pending.overdue);
    return Promise.race([pending.result, pending.deadline]);
  }

  private start(waitMs: number): PendingRead {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<NodesAnswer>((resolve) => {
      timer = setTimeout(() => {
        const error = new BackendUnavailableError("getNodeStates", `no reply within ${waitMs} ms`);
        pending.overdue = this.fallback(error);
        resolve(pending.overdue);
      }, waitMs);
      timer.unref();
    });
    const result = Promise.resolve()
      .then(() => this.source.getNodeStates())
      .then(
        (states): NodesAnswer => {
          const text = nodesText(states);
          this.lastGood = text;
          return { text };
        },
        (error: unknown) => this.fallback(error),
      )
      .finally(() => {
        clearTimeout(timer);
        if (this.pending === pending) this.pending = undefined;
      });
    const pending: PendingRead = { result, deadline, overdue: undefined };
    this.pending = pending;
    return pending;
  }

  private fallback(failure: unknown): NodesAnswer {
    return { text: this.lastGood ?? NULL, failure };
  }
}

const perSource = new WeakMap<object, LiveNodes>();

/** The node reader of `source`: one per source, however many routers or builders serve it. @internal */
export function liveNodes(source: Pick<StatsSource, "getNodeStates">): LiveNodes {
  let nodes = perSource.get(source);
  if (nodes === undefined) {
    nodes = new LiveNodes(source);
    perSource.set(source, nodes);
  }
  return nodes;
}

const nodeTexts = new WeakMap<NodeStates, Buffer>();

/** The node list's JSON, once per read (concurrent requests share one frozen read). */
function nodesText(states: NodeStates): Buffer {
  let text = nodeTexts.get(states);
  if (text === undefined) {
    text = Buffer.from(toGoJson(nodeStatesToGo(states)));
    nodeTexts.set(states, text);
  }
  return text;
}
