/**
 * Runs compression jobs a few at a time. Each running zlib or brotli stream holds its own
 * state (a few hundred KB for deflate, a few MB for brotli's window), so a burst of new
 * bodies (10,000 accounts requested at once) must not start 10,000 of them: at most
 * `concurrency` run, at most `maxQueued` wait, and a job beyond that is refused (its body is
 * served uncompressed, and compressed on a later request).
 * @internal
 */
export class CompressionQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency = 2,
    private readonly maxQueued = 256,
  ) {}

  /** Runs `job` when a slot frees up; `undefined` (job not taken) when the queue is full. */
  run<T>(job: () => Promise<T>): Promise<T> | undefined {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxQueued) return undefined;
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        Promise.resolve()
          .then(job)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }

  /** Jobs running and waiting, for tests and metrics. */
  get size(): { readonly running: number; readonly waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** The process's compression queue: every body of every handler shares its bound. @internal */
export const compressionQueue = new CompressionQueue();
