/**
 * `open-pool-stats/keys`: the original's Redis key layout, built from one prefix, and
 * the Redis Cluster hash slots of its keys.
 * @packageDocumentation
 */

export { escapeGlob, PoolKeys } from "../keys/pool-keys.js";
export { CLUSTER_SLOTS, keySlot } from "../redis/key-slot.js";
