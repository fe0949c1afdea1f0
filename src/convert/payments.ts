import { parseGoInt } from "../go/int.js";
import type { MalformedSink } from "../model/malformed.js";
import type { PaymentRow, PoolPayment } from "../model/rows.js";
import { ignoreMalformed } from "./malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";
import { convertScoredMembers } from "./scored-members.js";

/**
 * The original's `convertPaymentsResults`, shared by the pool and account lists: a member
 * with 3 or more fields is a pool row (`tx:address:amount`), one with 2 fields an account
 * row (`tx:amount`); a single field is malformed (the original panics).
 */
export function convertPayments(reply: ZsetWithScores, onMalformed: MalformedSink = ignoreMalformed): PaymentRow[] {
  return convertScoredMembers<PaymentRow>(reply, 2, onMalformed, (parts, timestamp) => {
    const withAddress = parts.length >= 3;
    const amount = parseGoInt((withAddress ? parts[2] : parts[1]) as string);
    if (amount === undefined) return "not-an-integer";
    const tx = parts[0] as string;
    return withAddress ? { timestamp, tx, address: parts[1] as string, amount } : { timestamp, tx, amount };
  });
}

/** `true` for a row read from a 3-field member (it has an `address`). */
export function isPoolPayment(row: PaymentRow): row is PoolPayment {
  return "address" in row;
}
