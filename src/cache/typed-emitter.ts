/**
 * A minimal typed event emitter. A listener that throws (or returns a promise that
 * rejects) cannot break the emitter's caller, the collection loop: the error is dropped,
 * because reporting it as another event could loop and throwing it would kill the loop.
 * @internal
 */
export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<(event: never) => void>>();

  /** Adds `listener`; returns a function that removes it. */
  on<K extends keyof M>(event: K, listener: (event: M[K]) => void): () => void {
    if (typeof listener !== "function") throw new TypeError(`listener of ${String(event)} must be a function`);
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` (a no-op when it was not added). */
  off<K extends keyof M>(event: K, listener: (event: M[K]) => void): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event` with `payload`, in the order they were added. */
  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set] as ((event: M[K]) => unknown)[]) {
      try {
        const returned = listener(payload);
        if (isThenable(returned)) returned.then(undefined, ignore);
      } catch {
        // See the class comment: a host's listener must not stop the cache.
      }
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function ignore(): void {}
