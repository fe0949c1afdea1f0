import type { CommandReply, RedisCommand } from "./client.js";

/**
 * A read's commands under names: `{ stats: ["hgetall", "eth:stats"], … }`. The commands
 * are sent in the plan's key order (the original's MULTI order), and the replies come
 * back under the same names, so a transform reads `replies.stats`, never `replies[0]`.
 */
export type CommandPlan = Readonly<Record<string, RedisCommand>>;

/** The replies of a {@link CommandPlan}, under the plan's names. */
export type PlanReplies<P extends CommandPlan> = { readonly [K in keyof P]: CommandReply };

/** The plan's commands, in order. */
export function planCommands(plan: CommandPlan): RedisCommand[] {
  return Object.values(plan);
}

/** Puts `replies` (sent as {@link planCommands}) back under the plan's names. */
export function planReplies<P extends CommandPlan>(plan: P, replies: readonly CommandReply[]): PlanReplies<P> {
  const named: Record<string, CommandReply> = {};
  Object.keys(plan).forEach((name, i) => {
    named[name] = replies[i] as CommandReply;
  });
  return named as PlanReplies<P>;
}
