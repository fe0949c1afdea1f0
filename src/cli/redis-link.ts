import type { ConnectionOptions } from "node:tls";
import { Cluster, Redis } from "ioredis";
import type { RedisClient } from "../redis/client.js";
import { selectDatabase } from "../redis/database.js";
import { type FailureSummary, summarizeFailure } from "../redis/failure-summary.js";
import { SERVICE_CLUSTER_OPTIONS, SERVICE_REDIS_OPTIONS } from "../redis/service-options.js";
import { CliError } from "./cli-error.js";
import type { FailureLog } from "./failure-log.js";
import type { Logger } from "./logger.js";
import { describeRedis, type RedisConfig } from "./redis-config.js";
import { probeRedis } from "./redis-probe.js";

/** What a {@link RedisLink} needs. @internal */
export interface RedisLinkSettings {
  readonly config: RedisConfig;
  readonly tls: ConnectionOptions | undefined;
  readonly log: Logger;
  readonly failures: FailureLog;
}

/** How long a QUIT may take on a Redis that answers; past it the socket is just closed. */
const QUIT_WAIT_MS = 500;

function noop(): void {}

/** The probe's pace while Redis is not there: SERVICE_REDIS_OPTIONS's, 100 ms doubling to 2 s. */
const probeDelay = (attempt: number): number => SERVICE_REDIS_OPTIONS.retryStrategy(attempt);

/**
 * The service's one Redis connection, trusted only once verified. Before the first use,
 * a probe ({@link probeRedis}: AUTH, SELECT, PING and nothing else) is repeated with
 * backoff until Redis answers, each cause logged (collapsed); a database the server does
 * not have is fatal. Then the real connection (`SERVICE_REDIS_OPTIONS`, or
 * `SERVICE_CLUSTER_OPTIONS` for `redis.cluster`) opens, and after each of its `ready`s
 * the database is selected again before the connection counts as verified: ioredis's own
 * SELECT at reconnect would only raise an event and carry on, on database 0.
 * @internal
 */
export class RedisLink {
  /** The client; commands must wait for {@link RedisLink.verified}. */
  readonly client: RedisClient;
  /** The endpoint as logs show it, without a password. */
  readonly endpoint: string;
  private isVerified = false;
  private everVerified = false;
  private closing = false;
  private latest: unknown;
  private readonly waiters = new Set<() => void>();
  private fatal: ((error: CliError) => void) | undefined;
  private failureListener: ((error: unknown) => void) | undefined;

  constructor(private readonly settings: RedisLinkSettings) {
    const { config, tls } = settings;
    this.endpoint = describeRedis(config);
    const auth = {
      ...(config.username === undefined ? {} : { username: config.username }),
      ...(config.password === "" ? {} : { password: config.password }),
      ...(tls === undefined ? {} : { tls }),
    };
    if (config.cluster) {
      this.client = new Cluster(
        config.nodes.map((node) => ({ host: node.host ?? "127.0.0.1", port: node.port })),
        {
          ...SERVICE_CLUSTER_OPTIONS,
          lazyConnect: true,
          redisOptions: { ...SERVICE_CLUSTER_OPTIONS.redisOptions, ...auth },
        },
      );
    } else {
      const [node] = config.nodes;
      this.client = new Redis({
        ...SERVICE_REDIS_OPTIONS,
        ...auth,
        host: node?.host ?? "127.0.0.1",
        port: node?.port ?? 6379,
        db: config.database,
        lazyConnect: true,
      });
    }
    this.watch();
  }

  /** Whether the connection is ready and on the configured database. */
  get verified(): boolean {
    return this.isVerified;
  }

  /** The latest connection failure (an error as the client raised it), for messages. */
  get lastError(): unknown {
    return this.latest;
  }

  /** The latest connection failure, summarized; `undefined` before any. */
  get lastFailure(): FailureSummary | undefined {
    return this.latest === undefined ? undefined : summarizeFailure(this.latest);
  }

  /**
   * A failure as the log and metrics should name it: when the client only says it had no
   * answer ("Stream isn't writeable…", "Connection is closed.") while the connection is
   * down, the connection's own latest cause (`WRONGPASS`, `LOADING`, `ECONNREFUSED`…).
   */
  explain(error: unknown): FailureSummary {
    const failure = summarizeFailure(error);
    if (failure.code !== "NO_ANSWER" || this.isVerified || this.latest === undefined) return failure;
    const cause = summarizeFailure(this.latest);
    const message = failure.message.includes(cause.message)
      ? failure.message
      : `${failure.message} (the connection: ${cause.message})`;
    return { code: cause.code, redisCode: cause.redisCode, message };
  }

  /** Told about every connection failure, as the client raised it (metrics count them by code). */
  onFailure(listener: (error: unknown) => void): void {
    this.failureListener = listener;
  }

  /** Called once if the database turns out missing after start (a restarted server with fewer databases). */
  onFatal(listener: (error: CliError) => void): void {
    this.fatal = listener;
  }

  /**
   * Waits for Redis (probing with backoff, until `signal` aborts), then connects.
   * Resolves once verified, or `false` when aborted.
   * @throws {@link CliError} when the database does not exist there
   */
  async open(signal: AbortSignal): Promise<boolean> {
    const { config, tls, failures } = this.settings;
    if (!config.cluster) {
      const [node] = config.nodes;
      for (let attempt = 1; !signal.aborted; attempt++) {
        const outcome = await probeRedis({ ...config, node: node ?? { host: undefined, port: 6379 }, tls });
        if (outcome.kind === "ready") break;
        if (outcome.kind === "no-such-database") throw this.missingDatabase(outcome.failure);
        this.latest = outcome.error;
        this.failureListener?.(outcome.error);
        this.failed(outcome.failure, `Waiting for Redis at ${this.endpoint}`, { attempt });
        await sleep(probeDelay(attempt), signal);
      }
      if (signal.aborted) return false;
      failures.recovered("connection", `Redis answers at ${this.endpoint}`);
    }
    this.client.connect().catch(() => undefined); // failures arrive as events, and it reconnects by itself
    return this.whenVerified(signal);
  }

  /** Resolves `true` once verified, `false` if `signal` aborts first. */
  whenVerified(signal?: AbortSignal, timeoutMs?: number): Promise<boolean> {
    if (this.isVerified) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.waiters.delete(onVerified);
        signal?.removeEventListener("abort", onAbort);
        clearTimeout(timer);
        resolve(value);
      };
      const onVerified = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), timeoutMs);
      this.waiters.add(onVerified);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Closes the connection: QUIT when it answers, else at once. */
  async close(): Promise<void> {
    this.closing = true;
    this.isVerified = false;
    const client = this.client;
    // A command still waiting on a hung or lost server would hold a QUIT behind it until
    // the command timeout: then just close the socket.
    const pending = (client as { commandQueue?: { length: number } }).commandQueue?.length ?? 0;
    if (client.status !== "ready" || pending > 0) {
      client.disconnect();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, QUIT_WAIT_MS);
    });
    await Promise.race([client.quit().then(noop, noop), late]);
    clearTimeout(timer);
    // The QUIT did not come back in time: a server that answers nothing gets no more chances.
    if ((client.status as string) !== "end") client.disconnect();
  }

  private watch(): void {
    const { log, failures } = this.settings;
    this.client.on("error", (error: unknown) => {
      this.latest = error;
      this.failureListener?.(error);
      if (!this.closing) this.failed(summarizeFailure(error), `Redis connection error (${this.endpoint})`);
    });
    // A Cluster reports its nodes' own failures apart.
    this.client.on("node error", (error: unknown, address: string) => {
      this.latest = error;
      this.failureListener?.(error);
      if (!this.closing) this.failed(summarizeFailure(error), `Redis Cluster node error (${address})`);
    });
    // A server that shuts down cleanly closes the connection without an error.
    this.client.on("close", () => {
      const was = this.isVerified;
      this.isVerified = false;
      if (!was || this.closing) return;
      // Until the reconnection's own error says more (ECONNREFUSED…), this is the cause.
      this.latest = Object.assign(new Error(`the connection to ${this.endpoint} was closed`), {
        code: "CONNECTION_CLOSED",
      });
      log.error(`Redis connection lost (${this.endpoint}), reconnecting`, { code: "CONNECTION_CLOSED" });
    });
    this.client.on("ready", () => {
      void this.verify().then((ok) => {
        if (!ok || this.closing) return;
        const again = this.everVerified;
        this.everVerified = true;
        this.isVerified = true;
        for (const waiter of [...this.waiters]) waiter();
        if (!failures.recovered("connection", `Redis connection ready again (${this.endpoint})`)) {
          if (again) log.info(`Redis connection ready again (${this.endpoint})`);
          else log.info(`Connected to Redis at ${this.endpoint}`, { endpoint: this.endpoint });
        }
      });
    });
  }

  /** After a `ready`: the database selected (standalone), or the Cluster as it is. */
  private async verify(): Promise<boolean> {
    if (!(this.client instanceof Redis)) return true;
    try {
      const refused = await selectDatabase(this.client, this.settings.config.database);
      if (refused === undefined) return true;
      const error = this.missingDatabase(summarizeFailure(refused));
      this.client.disconnect(); // nothing more on the wrong database
      this.fatal?.(error);
      return false;
    } catch (error) {
      this.latest = error; // lost again at once; the next ready verifies again
      return false;
    }
  }

  private failed(failure: FailureSummary, text: string, fields = {}): void {
    this.settings.failures.failed("connection", text, failure, { endpoint: this.endpoint, ...fields });
  }

  private missingDatabase(failure: FailureSummary): CliError {
    const { database } = this.settings.config;
    return new CliError(
      `Redis at ${this.endpoint} has no database ${database} (${failure.message}); check redis.database and the server's "databases" setting`,
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
