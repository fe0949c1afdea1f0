/**
 * The layout of a share member, the one place that knows it: `diff:login:worker:ms` in
 * `P:hashrate`, `diff:worker:ms` in `P:hashrate:<login>`. The original reads field 0 (the
 * difficulty) and field 1 (the id it groups by) and nothing else, so two fields suffice.
 * Positions, not substrings: the hot loops decide themselves what to cut.
 * @packageDocumentation
 */

/** Index of the `:` that ends the difficulty field; −1 when the member has one field only. */
export function shareDiffEnd(member: string): number {
  return member.indexOf(":");
}

/** The id field (login or worker) after the difficulty that ends at `diffEnd`. */
export function shareId(member: string, diffEnd: number): string {
  const next = member.indexOf(":", diffEnd + 1);
  return next < 0 ? member.slice(diffEnd + 1) : member.slice(diffEnd + 1, next);
}
