import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { TestProject } from "vitest/node";
import { startRedisServer } from "../../src/testing/redis-server-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Redis every test file connects to. */
    redisUrl: string;
    /** Where it came from: `REDIS_URL`, a spawned `redis-server`, or testcontainers. */
    redisSource: "env" | "redis-server" | "testcontainers";
    /** Whether `redis-server` can be spawned here (fault and cluster suites need it). */
    redisServerAvailable: boolean;
  }
}

const HOW_TO =
  "No Redis for the tests: set REDIS_URL (e.g. redis://127.0.0.1:6379), put redis-server on PATH (apt-get install redis-server), or run a Docker engine for testcontainers.";

/**
 * Finds a real Redis for the whole run, in this order: `REDIS_URL`; a throwaway
 * `redis-server` from PATH on a free 127.0.0.1 port; testcontainers' Redis; else fails
 * with one sentence on how to provide one.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  const serverAvailable = await canSpawnRedisServer();
  project.provide("redisServerAvailable", serverAvailable);
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    project.provide("redisUrl", fromEnv);
    project.provide("redisSource", "env");
    say(`REDIS_URL ${withoutPassword(fromEnv)}`);
  } else if (serverAvailable) {
    const server = await startRedisServer();
    stops.push(server.stop);
    project.provide("redisUrl", server.url);
    project.provide("redisSource", "redis-server");
    say(`a throwaway ${await which("redis-server")} (pid ${server.pid}) on 127.0.0.1:${server.port}`);
  } else {
    const container = await startContainer();
    if (container === undefined) throw new Error(HOW_TO);
    stops.push(container.stop);
    project.provide("redisUrl", container.url);
    project.provide("redisSource", "testcontainers");
    say(`a testcontainers redis:7 container at ${withoutPassword(container.url)}`);
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}

/** One line on stderr before the run: which Redis the tests use. */
function say(what: string): void {
  process.stderr.write(`Tests use Redis: ${what}\n`);
}

/** A URL as it may be printed: the password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable REDIS_URL)";
  }
}

async function canSpawnRedisServer(): Promise<boolean> {
  return (await which("redis-server")) !== undefined;
}

/** The path of `command` on PATH, if it is there. */
async function which(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function startContainer(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  try {
    // testcontainers fails within milliseconds when no container runtime exists.
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    const { RedisContainer } = await import("@testcontainers/redis");
    const container = await new RedisContainer("redis:7").start();
    return { url: container.getConnectionUrl(), stop: async () => void (await container.stop()) };
  } catch {
    return undefined;
  }
}
