import { parseGoInt } from "../go/int.js";
import type { ChartAverage, ChartAverages, MinerChartPoint, PoolChartPoint } from "../model/charts.js";
import type { MalformedSink } from "../model/malformed.js";
import type { ZsetWithScores } from "./reply-shapes.js";

/**
 * The chart members of etclabscore/open-etc-pool, the one place that knows their layout:
 * `<x>:<hashrate>:<minersOnline>` in `P:charts:pool` and `<x>:<hashrate>` in
 * `P:charts:miner:<login>`, every field a base-10 int64 (`strconv.FormatInt`), scored by
 * `x`. The fork reads the first fields and ignores any beyond them, and takes `x` from the
 * member, not from the score; so does this.
 *
 * Where the fork is lenient this follows the library's rules: a member with too few
 * fields is skipped as `too-few-fields` (the fork skips it too), and a field that is not
 * an integer is skipped as `not-an-integer` (the fork keeps the point with a 0).
 * @packageDocumentation
 */

/** `<x>:<hashrate>:<minersOnline>`, as the fork's `join(ts, hashrate, minersOnline)` writes it. */
export function formatPoolChartMember(x: bigint | number, hashrate: bigint, minersOnline: bigint | number): string {
  return `${x}:${hashrate}:${minersOnline}`;
}

/** `<x>:<hashrate>`, as the fork's `join(ts, currentHashrate)` writes it. */
export function formatMinerChartMember(x: bigint | number, hashrate: bigint): string {
  return `${x}:${hashrate}`;
}

/** The first `count` integer fields of a member, or `undefined` after reporting why it is skipped. */
function fields(member: string, count: number, onMalformed: MalformedSink): bigint[] | undefined {
  const parts = member.split(":", count);
  if (parts.length < count) {
    onMalformed(member, "too-few-fields");
    return undefined;
  }
  const values: bigint[] = [];
  for (const part of parts) {
    const value = parseGoInt(part);
    if (value === undefined) {
      onMalformed(member, "not-an-integer");
      return undefined;
    }
    values.push(value);
  }
  return values;
}

/** The pool points of a `P:charts:pool` WITHSCORES reply, in reply (score) order. */
export function convertPoolChart(reply: ZsetWithScores, onMalformed: MalformedSink): PoolChartPoint[] {
  const points: PoolChartPoint[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const values = fields(String(reply[i]), 3, onMalformed);
    if (values !== undefined)
      points.push({ x: values[0] as bigint, hashrate: values[1] as bigint, minersOnline: values[2] as bigint });
  }
  return points;
}

/** The miner points of a `P:charts:miner:<login>` WITHSCORES reply, in reply (score) order. */
export function convertMinerChart(reply: ZsetWithScores, onMalformed: MalformedSink): MinerChartPoint[] {
  const points: MinerChartPoint[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const values = fields(String(reply[i]), 2, onMalformed);
    if (values !== undefined) points.push({ x: values[0] as bigint, hashrate: values[1] as bigint });
  }
  return points;
}

/** The periods of {@link chartAverages}, in seconds. */
export const CHART_AVERAGE_PERIODS = Object.freeze({ "1h": 3600, "6h": 21_600, "24h": 86_400 } as const);

/**
 * The mean hashrate of the samples with `x ≥ nowS − period`, for the last hour, six hours
 * and day: `Σ hashrate / samples` in exact integers, truncated toward zero. The samples
 * are evenly spaced by the sampler, so a plain mean is the time average. Samples beyond
 * now (another clock ahead) count in every period.
 */
export function chartAverages(
  points: readonly { readonly x: bigint; readonly hashrate: bigint }[],
  nowS: number,
): ChartAverages {
  const now = BigInt(Math.trunc(nowS));
  const average = (period: number): ChartAverage => {
    const from = now - BigInt(period);
    let sum = 0n;
    let samples = 0;
    for (const point of points) {
      if (point.x < from) continue;
      sum += point.hashrate;
      samples++;
    }
    return { hashrate: samples === 0 ? null : sum / BigInt(samples), samples };
  };
  return {
    "1h": average(CHART_AVERAGE_PERIODS["1h"]),
    "6h": average(CHART_AVERAGE_PERIODS["6h"]),
    "24h": average(CHART_AVERAGE_PERIODS["24h"]),
  };
}
