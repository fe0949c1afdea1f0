import type { Cluster, Redis } from "ioredis";

/**
 * The Redis connection a host hands in: an ioredis `Redis` or `Cluster`. The library
 * never creates, configures or closes it; the host owns its lifecycle.
 */
export type RedisClient = Redis | Cluster;

/** One Redis command as data: its name and arguments, ready for `multi()` or `pipeline()`. */
export type RedisCommand = readonly [name: string, ...args: (string | number)[]];

/** The outcome of one command inside a MULTI or pipeline. */
export type CommandReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: Error };
