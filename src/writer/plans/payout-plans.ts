import type { PoolKeys } from "../../keys/pool-keys.js";
import type { RedisCommand } from "../../redis/client.js";
import { goJoin } from "../members.js";

/** `LockPayouts`: SETNX of `login:amount`, no expiry (the original never expires it). */
export function planLockPayouts(keys: PoolKeys, login: string, amount: bigint): RedisCommand {
  return ["setnx", keys.paymentsLock(), goJoin(login, amount)];
}

/** `UpdateBalance`'s MULTI: balance → pending on the miner and the pool, plus the pending entry. */
export function planUpdateBalance(keys: PoolKeys, login: string, amount: bigint, nowS: number): RedisCommand[] {
  const plus = amount.toString();
  const minus = (-amount).toString();
  return [
    ["hincrby", keys.miner(login), "balance", minus],
    ["hincrby", keys.miner(login), "pending", plus],
    ["hincrby", keys.finances(), "balance", minus],
    ["hincrby", keys.finances(), "pending", plus],
    ["zadd", keys.pendingPayments(), String(nowS), goJoin(login, amount)],
  ];
}

/** `RollbackBalance`'s MULTI: `UpdateBalance` undone. */
export function planRollbackBalance(keys: PoolKeys, login: string, amount: bigint): RedisCommand[] {
  const plus = amount.toString();
  const minus = (-amount).toString();
  return [
    ["hincrby", keys.miner(login), "balance", plus],
    ["hincrby", keys.miner(login), "pending", minus],
    ["hincrby", keys.finances(), "balance", plus],
    ["hincrby", keys.finances(), "pending", minus],
    ["zrem", keys.pendingPayments(), goJoin(login, amount)],
  ];
}

/** `WritePayment`'s MULTI: pending → paid, the payment rows, the pending entry and the lock removed. */
export function planWritePayment(
  keys: PoolKeys,
  login: string,
  txHash: string,
  amount: bigint,
  nowS: number,
): RedisCommand[] {
  const plus = amount.toString();
  const minus = (-amount).toString();
  const ts = String(nowS);
  return [
    ["hincrby", keys.miner(login), "pending", minus],
    ["hincrby", keys.miner(login), "paid", plus],
    ["hincrby", keys.finances(), "pending", minus],
    ["hincrby", keys.finances(), "paid", plus],
    ["zadd", keys.payments(), ts, goJoin(txHash, login, amount)],
    ["zadd", keys.minerPayments(login), ts, goJoin(txHash, amount)],
    ["zrem", keys.pendingPayments(), goJoin(login, amount)],
    ["del", keys.paymentsLock()],
  ];
}
