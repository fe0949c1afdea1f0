import type { Redis } from "ioredis";

/** One round trip the backend made: a single command, a MULTI or a pipeline, by command names. */
export interface RecordedRoundTrip {
  readonly kind: "call" | "multi" | "pipeline";
  /** Lower-case command names, in order (one for `call`). */
  readonly commands: readonly string[];
  /** The commands' first arguments (their keys), in order. */
  readonly keys: readonly string[];
}

/**
 * Records every `call`, `multi(commands)` and `pipeline(commands)` made on `redis` (the
 * three entry points RedisStatsBackend uses), then runs it on the real server. Use a
 * client of its own: the methods are replaced on that instance.
 */
export function countCommands(redis: Redis): {
  log: RecordedRoundTrip[];
  count: (kind: string, first: string) => number;
} {
  const log: RecordedRoundTrip[] = [];
  const call = redis.call.bind(redis) as (...args: unknown[]) => unknown;
  const multi = redis.multi.bind(redis) as (commands: unknown) => unknown;
  const pipeline = redis.pipeline.bind(redis) as (commands: unknown) => unknown;
  const record = (kind: RecordedRoundTrip["kind"], commands: readonly (readonly unknown[])[]): void => {
    log.push({
      kind,
      commands: commands.map((command) => String(command[0]).toLowerCase()),
      keys: commands.map((command) => String(command[1])),
    });
  };
  Object.assign(redis, {
    call: (...args: unknown[]) => {
      record("call", [args]);
      return call(...args);
    },
    multi: (commands: readonly (readonly unknown[])[]) => {
      record("multi", commands);
      return multi(commands);
    },
    pipeline: (commands: readonly (readonly unknown[])[]) => {
      record("pipeline", commands);
      return pipeline(commands);
    },
  });
  /** Round trips of `kind` whose first command is `first`. */
  const count = (kind: string, first: string): number =>
    log.filter((trip) => trip.kind === kind && trip.commands[0] === first).length;
  return { log, count };
}
