import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A `redis-server` this process started on a loopback port. @internal */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The spawned process (signals: SIGSTOP/SIGCONT to pause, SIGKILL to crash). */
  readonly child: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s) and removes its directory. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisServer}. @internal */
export interface StartRedisServerOptions {
  /** The binary. @defaultValue `"redis-server"` */
  readonly command?: string;
  /** A port to use; a free loopback port is picked when absent. */
  readonly port?: number;
  /** Extra `redis-server` arguments (e.g. `["--cluster-enabled", "yes"]`). */
  readonly args?: readonly string[];
  /** How long to wait for "Ready to accept connections". @defaultValue 10000 */
  readonly timeoutMs?: number;
  /**
   * Start it in a process group of its own, so a terminal's Ctrl+C (sent to the whole
   * foreground group) reaches only the parent, which then stops the server in order.
   * @defaultValue false
   */
  readonly ownProcessGroup?: boolean;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. @internal */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port of a probe server"));
      });
    });
  });
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 that keeps nothing on disk
 * (`--save "" --appendonly no`), and resolves once it accepts connections.
 * `--port 0` would disable TCP, so a free port is found first.
 * @internal
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), "open-pool-stats-redis-"));
  const child = spawn(
    options.command ?? "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: options.ownProcessGroup ?? false },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGCONT"); // a paused server would never see SIGTERM
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, options.timeoutMs ?? 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid as number, child, stop };
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => finish(new Error(`redis-server not ready after ${timeoutMs} ms: ${output.slice(-500)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) finish();
    };
    const onError = (error: Error): void => finish(error);
    const onExit = (code: number | null): void =>
      finish(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`));
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("error", onError);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on("data", onData);
    child.once("error", onError);
    child.once("exit", onExit);
  });
}
