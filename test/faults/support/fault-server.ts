import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type RedisServerProcess, startRedisServer } from "../../../src/testing/redis-server-process.js";

/**
 * A redis-server of one test's own, which the test may pause, kill and restart. It keeps
 * an append-only file (fsync on every write) in a directory of its own, so a restart on
 * the same port comes back with the same data, like a production Redis after a crash.
 */
export class FaultServer {
  /** A plain client for writing data and admin commands; it reconnects by itself. */
  readonly admin: Redis;
  /** Errors the admin connection reported (it sees the outages too). */
  readonly adminErrors: Error[] = [];

  private constructor(
    private process: RedisServerProcess,
    private readonly dir: string,
  ) {
    this.admin = new Redis(process.port, "127.0.0.1");
    this.admin.on("error", (error: Error) => this.adminErrors.push(error));
  }

  /** Starts a server on a free loopback port and waits for the admin connection. */
  static async start(): Promise<FaultServer> {
    const dir = await mkdtemp(join(tmpdir(), "open-pool-stats-fault-"));
    const server = new FaultServer(await startRedisServer({ args: persistence(dir) }), dir);
    await server.admin.ping();
    return server;
  }

  get port(): number {
    return this.process.port;
  }

  get pid(): number {
    return this.process.pid;
  }

  /** SIGSTOP: the server stops reading and answering; connections stay open. */
  pause(): void {
    this.process.child.kill("SIGSTOP");
  }

  /** SIGCONT. */
  resume(): void {
    this.process.child.kill("SIGCONT");
  }

  /** SIGKILL (a crash: every connection is reset), waiting for the process to be gone. */
  async kill(): Promise<void> {
    const { child } = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** A new server on the same port and data directory; resolves once it accepts connections. */
  async restart(): Promise<void> {
    await this.kill();
    await this.process.stop(); // removes only the spawn helper's own empty directory
    this.process = await startRedisServer({ port: this.port, args: persistence(this.dir) });
  }

  /** Stops the server and removes its data. */
  async stop(): Promise<void> {
    this.admin.disconnect();
    await this.process.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Later arguments win over startRedisServer's defaults (`--dir`, `--appendonly no`). */
function persistence(dir: string): string[] {
  return ["--dir", dir, "--appendonly", "yes", "--appendfsync", "always"];
}
