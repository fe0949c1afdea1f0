import type { RedisClient } from "./client.js";

/** Statuses from which a client gets ready by itself (ioredis's `status`). */
const ON_ITS_WAY = new Set(["connecting", "connect", "reconnecting"]);

/**
 * Resolves `true` once `client` is ready for commands, or `false` after `timeoutMs`, or
 * at once when it is not on its way there: closed (`end`), or never asked to connect
 * (`wait`, a `lazyConnect` client: the library never opens a host's connection). Never
 * rejects and leaves no timer or listener behind.
 */
export function whenClientReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  if (!ON_ITS_WAY.has(client.status)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ready: boolean): void => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("end", onEnd);
      resolve(ready);
    };
    const onReady = (): void => finish(true);
    const onEnd = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    client.on("ready", onReady);
    client.on("end", onEnd);
  });
}
