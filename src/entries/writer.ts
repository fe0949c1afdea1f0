/**
 * `open-pool-stats/writer`: the original's storage writers (proxy, unlocker, payer),
 * command for command, for tools and tests that write a pool's data the original's way.
 * @packageDocumentation
 */

export { CommandFailedError } from "../errors/command-failed-error.js";
export { PayoutsLockedError } from "../errors/payouts-locked-error.js";
export { formatBlockMember, formatCandidateMember } from "../writer/members.js";
export { RedisPoolWriter, type RedisPoolWriterOptions } from "../writer/redis-pool-writer.js";
export {
  type BlockInput,
  type IntegerInput,
  normalizeWorkerId,
  type PowParams,
  type RoundRewards,
} from "../writer/writer-inputs.js";
