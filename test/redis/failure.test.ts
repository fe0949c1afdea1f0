import { describe, expect, it } from "vitest";
import { BackendUnavailableError } from "../../src/errors/backend-unavailable-error.js";
import { ClusterSlotError } from "../../src/errors/cluster-slot-error.js";
import { ReadOnlyReplicaError } from "../../src/errors/read-only-replica-error.js";
import { failureError as commandError } from "../../src/redis/failure.js";

function execAbort(...previous: Error[]): Error {
  return Object.assign(new Error("EXECABORT Transaction discarded because of previous errors."), {
    previousErrors: previous,
  });
}

describe("commandError: what a Redis failure becomes", () => {
  it.each([
    ["READONLY You can't write against a read only replica.", ReadOnlyReplicaError, "ERR_READ_ONLY_REPLICA"],
    ["CROSSSLOT Keys in request don't hash to the same slot", ClusterSlotError, "ERR_CLUSTER_SLOTS"],
    // ioredis's own checks on a Cluster, before anything is sent
    [
      "All keys in the pipeline should belong to the same slots allocation group",
      ClusterSlotError,
      "ERR_CLUSTER_SLOTS",
    ],
    ["All the keys in a pipeline command should belong to the same slot", ClusterSlotError, "ERR_CLUSTER_SLOTS"],
    ["Connection is closed.", BackendUnavailableError, "ERR_BACKEND_UNAVAILABLE"],
    ["LOADING Redis is loading the dataset in memory", BackendUnavailableError, "ERR_BACKEND_UNAVAILABLE"],
  ])("%s", (message, type, code) => {
    const cause = new Error(message);
    const error = commandError("collectStats", cause);
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message.startsWith("collectStats: ")).toBe(true);
  });

  it("looks through EXECABORT at the error that aborted the transaction", () => {
    expect(commandError("x", execAbort(new Error("READONLY You can't write")))).toBeInstanceOf(ReadOnlyReplicaError);
    expect(commandError("x", execAbort(new Error("CROSSSLOT Keys")))).toBeInstanceOf(ClusterSlotError);
    expect(commandError("x", execAbort())).toBeInstanceOf(BackendUnavailableError);
  });

  it("takes anything thrown, not only Errors", () => {
    expect(commandError("x", "READONLY")).toBeInstanceOf(ReadOnlyReplicaError);
    expect(commandError("x", undefined)).toBeInstanceOf(BackendUnavailableError);
  });
});
