import type { GoJsonStruct, GoJsonValue } from "../go/json.js";
import type { Account } from "../model/account.js";
import type { MinerStats, NodeStates, PoolStats, WorkersStats } from "../model/results.js";
import type { BlockRow, LuckRow, MinerHashrate, NodeState, PaymentRow, WorkerHashrate } from "../model/rows.js";

/**
 * Mappers from the typed results to the exact values the original hands to
 * `encoding/json`: structs as plain objects in declaration order, Go maps as `Map`s,
 * nil slices as `null`. Pass their output to `toGoJson`.
 * @packageDocumentation
 */

/** A `BlockData` struct: `height, timestamp, difficulty, shares, uncle, uncleHeight, orphan, hash, reward`. */
export function blockToGo(row: BlockRow): GoJsonStruct {
  return {
    height: BigInt(row.height),
    timestamp: row.timestamp,
    difficulty: row.difficulty,
    shares: row.shares,
    uncle: row.uncle,
    uncleHeight: row.uncleHeight,
    orphan: row.orphan,
    hash: row.hash,
    reward: row.reward,
  };
}

/** A block list: `null` when empty (the original's nil slice). */
export function blocksToGo(rows: readonly BlockRow[]): GoJsonValue {
  return rows.length === 0 ? null : rows.map(blockToGo);
}

/** A payment row map: `address` only when the member had one. */
export function paymentToGo(row: PaymentRow): ReadonlyMap<string, GoJsonValue> {
  const map = new Map<string, GoJsonValue>([
    ["amount", row.amount],
    ["timestamp", BigInt(row.timestamp)],
    ["tx", row.tx],
  ]);
  if ("address" in row) map.set("address", row.address);
  return map;
}

/** A payment list: `null` when empty (the original's nil slice). */
export function paymentsToGo(rows: readonly PaymentRow[]): GoJsonValue {
  return rows.length === 0 ? null : rows.map(paymentToGo);
}

/** A `Miner` struct: `lastBeat, hr, offline`. */
export function minerToGo(miner: MinerHashrate): GoJsonStruct {
  return { lastBeat: BigInt(miner.lastBeat), hr: miner.hr, offline: miner.offline };
}

/** The miners map, login → `Miner`. */
export function minersToGo(miners: ReadonlyMap<string, MinerHashrate>): ReadonlyMap<string, GoJsonValue> {
  const map = new Map<string, GoJsonValue>();
  for (const [login, miner] of miners) map.set(login, minerToGo(miner));
  return map;
}

/** A `Worker` struct: the `Miner` fields, then `hr2`. */
export function workerToGo(worker: WorkerHashrate): GoJsonStruct {
  return { lastBeat: BigInt(worker.lastBeat), hr: worker.hr, offline: worker.offline, hr2: worker.hr2 };
}

/** The map the original's `CollectStats` returns (the golden `resultText`). */
export function poolStatsToGo(stats: PoolStats): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ["stats", stats.stats],
    ["candidates", blocksToGo(stats.candidates)],
    ["candidatesTotal", BigInt(stats.candidatesTotal)],
    ["immature", blocksToGo(stats.immature)],
    ["immatureTotal", BigInt(stats.immatureTotal)],
    ["matured", blocksToGo(stats.matured)],
    ["maturedTotal", BigInt(stats.maturedTotal)],
    ["payments", paymentsToGo(stats.payments)],
    ["paymentsTotal", BigInt(stats.paymentsTotal)],
    ["miners", minersToGo(stats.miners)],
    ["minersTotal", BigInt(stats.minersTotal)],
    ["hashrate", stats.hashrate],
  ]);
}

/** A luck row map: `luck, orphanRate, uncleRate` (float64). */
export function luckRowToGo(row: LuckRow): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ["luck", row.luck],
    ["uncleRate", row.uncleRate],
    ["orphanRate", row.orphanRate],
  ]);
}

/** The luck map the original's `CollectLuckStats` returns. */
export function luckToGo(rows: ReadonlyMap<string, LuckRow>): ReadonlyMap<string, GoJsonValue> {
  const map = new Map<string, GoJsonValue>();
  for (const [key, row] of rows) map.set(key, luckRowToGo(row));
  return map;
}

/** The map the original's `GetMinerStats` returns. */
export function minerStatsToGo(stats: MinerStats): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ["stats", stats.stats],
    ["payments", paymentsToGo(stats.payments)],
    ["paymentsTotal", BigInt(stats.paymentsTotal)],
    ["roundShares", stats.roundShares],
  ]);
}

/** The map the original's `CollectWorkersStats` returns. */
export function workersStatsToGo(stats: WorkersStats): ReadonlyMap<string, GoJsonValue> {
  const workers = new Map<string, GoJsonValue>();
  for (const [id, worker] of stats.workers) workers.set(id, workerToGo(worker));
  return new Map<string, GoJsonValue>([
    ["workers", workers],
    ["workersTotal", BigInt(stats.workersTotal)],
    ["workersOnline", BigInt(stats.workersOnline)],
    ["workersOffline", BigInt(stats.workersOffline)],
    ["hashrate", stats.hashrate],
    ["currentHashrate", stats.currentHashrate],
  ]);
}

/**
 * The body map of the original's `/api/accounts/<login>`: the `GetMinerStats` and
 * `CollectWorkersStats` maps merged, plus `pageSize` (int64). Keys print in byte order:
 * `currentHashrate, hashrate, pageSize, payments, paymentsTotal, roundShares, stats,
 * workers, workersOffline, workersOnline, workersTotal`; there is no `login`.
 */
export function accountToGo(account: Account): ReadonlyMap<string, GoJsonValue> {
  return new Map<string, GoJsonValue>([
    ...minerStatsToGo(account),
    ...workersStatsToGo(account),
    ["pageSize", BigInt(account.pageSize)],
  ]);
}

/** One node: its attributes as a string map. */
export function nodeStateToGo(node: NodeState): ReadonlyMap<string, GoJsonValue> {
  return node.fields;
}

/** The node list of `/api/stats` (`[]` when empty, as the original). */
export function nodeStatesToGo(states: NodeStates): GoJsonValue {
  return states.nodes.map(nodeStateToGo);
}
