import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiServerOptions } from "../../../src/http/api-server.js";
import type { ServerMemory } from "./api-server-process.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "api-server-process.ts");

/** `createApiServer` over one pool in a process of its own, whose memory the test reads. */
export interface ServerChild {
  readonly port: number;
  readonly pid: number;
  /** A full GC in the child (it runs with --expose-gc). */
  gc(): Promise<void>;
  memory(): Promise<ServerMemory>;
  /** Shuts the server down and waits for the child to exit (killed after 5 s). */
  stop(): Promise<void>;
}

export async function startServerChild(
  redisUrl: string,
  prefix: string,
  options: ApiServerOptions,
): Promise<ServerChild> {
  const extra = process.env.SERVER_CHILD_ARGS ? process.env.SERVER_CHILD_ARGS.split(" ") : [];
  const child: ChildProcess = spawn(process.execPath, [...extra, "--expose-gc", "--import", "tsx", SCRIPT], {
    env: { ...process.env, REDIS_URL: redisUrl, PREFIX: prefix, SERVER_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /\{"port":(\d+)\}/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.once("exit", (code) => reject(new Error(`the server process exited with ${code} before listening`)));
  });
  let next = 0;
  const waiting = new Map<number, (reply: unknown) => void>();
  child.on("message", (reply: { id: number }) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = <T>(kind: string): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (reply: unknown) => void);
      child.send({ id, kind });
    });
  return {
    port,
    pid: child.pid as number,
    gc: async () => {
      await ask("gc");
    },
    memory: () => ask<ServerMemory>("memory"),
    stop: async () => {
      if (child.exitCode !== null) return;
      const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.send({ id: next++, kind: "stop" });
      await exited;
      clearTimeout(kill);
    },
  };
}
