export { BackendUnavailableError } from "./backend-unavailable-error.js";
export { ClusterSlotError } from "./cluster-slot-error.js";
export { CommandFailedError } from "./command-failed-error.js";
export { InvalidArgumentError } from "./invalid-argument-error.js";
export { InvalidDurationError } from "./invalid-duration-error.js";
export { PayoutsLockedError } from "./payouts-locked-error.js";
export { isPoolStatsError, PoolStatsError, type PoolStatsErrorCode } from "./pool-stats-error.js";
export { ReadOnlyReplicaError } from "./read-only-replica-error.js";
export { UnsupportedJsonValueError } from "./unsupported-json-value-error.js";
