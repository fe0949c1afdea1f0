import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

/** A MONITOR capture of the commands one client sends. */
export interface CommandCapture {
  /** Stops capturing and returns every command `client` sent since the start, in execution order. */
  stop(): Promise<string[][]>;
}

/**
 * Captures, with MONITOR, exactly the commands that `client` sends (other test files share
 * the server, so lines are filtered by the client's address). `stop()` sends a unique ECHO
 * through `client` and waits for it: every earlier command of `client` is in the feed by then.
 */
export async function captureCommands(client: Redis): Promise<CommandCapture> {
  const info = String(await client.call("client", "info"));
  const address = /\baddr=(\S+)/.exec(info)?.[1];
  if (address === undefined) throw new Error(`no addr in CLIENT INFO: ${info}`);
  const monitor = await client.monitor();
  const seen: string[][] = [];
  let onMarker: (() => void) | undefined;
  const marker = `capture-end-${randomBytes(6).toString("hex")}`;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source !== address) return;
    if (args[0]?.toLowerCase() === "echo" && args[1] === marker) onMarker?.();
    else seen.push(args);
  });
  return {
    async stop() {
      const reached = new Promise<void>((resolve) => {
        onMarker = resolve;
      });
      await client.echo(marker);
      await reached;
      monitor.disconnect();
      return seen;
    },
  };
}

/** A command as text with an upper-case name, `ZREVRANGE key 0 -1 WITHSCORES`, for comparing with the reference's tables. */
export function commandText(command: readonly (string | number)[]): string {
  const [name, ...args] = command;
  return [String(name).toUpperCase(), ...args.map(String)].join(" ");
}
