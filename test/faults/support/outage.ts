import { setTimeout as sleep } from "node:timers/promises";
import { type ApiRig, type Sample, STALE_AFTER_MS, waitUntil } from "./api-rig.js";

/** How one outage is caused and ended. */
export interface OutagePlan {
  /** Breaks Redis; resolves with the wall-clock time of the fault. */
  inject(): Promise<number>;
  /** How long Redis stays broken, from the fault (long enough for `/health` to turn stale). */
  readonly downMs: number;
  /** Repairs Redis; resolves once it is back (e.g. accepting connections again). */
  restore(): Promise<void>;
}

/** What an outage looked like from the outside. */
export interface OutageResult {
  /** Contract breaches found in the samples; empty when the API behaved. */
  readonly violations: string[];
  /** Numbers for docs/RELIABILITY.md. */
  readonly numbers: {
    /** Fault → the cache's first failed collection. */
    readonly detectMs: number;
    /** Account requests answered 503 while Redis was down. */
    readonly account503: number;
    /** Account requests answered at all while Redis was down (200s are fresh cache hits). */
    readonly accountRequests: number;
    /** The largest `X-Stats-Age-Ms` served while Redis was down. */
    readonly maxAgeMs: number;
    /** Fault → the first `/health` 503. */
    readonly staleAfterMs: number;
    /** Redis back → the first new snapshot. */
    readonly recoverMs: number;
    /** Fault → the first new snapshot: how long the pool routes served an old one. */
    readonly outageMs: number;
    /** Redis back → the first `/health` 200. */
    readonly healthyMs: number;
  };
  /** The version served during the outage. */
  readonly lastGoodVersion: number;
  readonly samples: readonly Sample[];
}

/**
 * Runs one outage against a running API: waits for steady state, injects the fault,
 * polls every route and two accounts throughout, restores Redis after `downMs`, waits
 * until everything answers as before (a new snapshot, `/health` 200, the miner's account
 * 200, unknown addresses 404), then checks what every response said (see {@link analyze}).
 */
export async function runOutage(rig: ApiRig, miner: string, plan: OutagePlan): Promise<OutageResult> {
  await waitUntil(() => (rig.cache.snapshot?.version ?? 0) >= 2, "two snapshots before the fault");
  const faultAt = await plan.inject();
  const poller = rig.observe(miner);
  try {
    const detected = () => rig.events.find((e) => e.kind === "error" && e.operation === "collect" && e.at >= faultAt);
    await waitUntil(() => detected() !== undefined, "the first failed collection");
    const detectedAt = detected()?.at ?? Number.NaN;
    const lastGood = rig.cache.snapshot?.version ?? 0;
    await sleep(Math.max(0, faultAt + plan.downMs - Date.now()));
    await plan.restore();
    const backAt = Date.now();
    const recovered = () => rig.events.find((e) => e.kind === "collected" && (e.version ?? 0) > lastGood);
    await waitUntil(() => recovered() !== undefined, "a new snapshot after Redis came back");
    const recoveredAt = recovered()?.at ?? Number.NaN;
    const after = (route: string, status: number, account?: Sample["account"]) =>
      poller.samples.some(
        (s) => s.sentAt >= recoveredAt && s.route.startsWith(route) && s.status === status && s.account === account,
      );
    await waitUntil(
      () => after("/health", 200) && after("/api/accounts/", 200, "miner") && after("/api/accounts/", 404, "unknown"),
      "every route answering as before",
    );
    await poller.stop();
    return analyze(poller.samples, { faultAt, detectedAt, backAt, recoveredAt, lastGood });
  } finally {
    await poller.stop();
  }
}

interface Timeline {
  readonly faultAt: number;
  readonly detectedAt: number;
  readonly backAt: number;
  readonly recoveredAt: number;
  readonly lastGood: number;
}

/**
 * The contract, checked on every response answered while Redis was down (sent after the
 * first failed collection, answered before Redis came back):
 *
 * - pool routes: 200, the last good snapshot's version, the same body bytes every time
 *   (`/api/miners` up to its `now`), its age never going back;
 * - `/health`: 200 while the age is within `staleAfter`, 503 with `Retry-After` beyond;
 * - the miner's account: 200 (a fresh cache entry) or 503, never 404; an unknown address:
 *   503 (never a wrong 404);
 * - on every response, before, during and after: the three headers, and never a 500.
 */
export function analyze(samples: readonly Sample[], t: Timeline): OutageResult {
  const violations: string[] = [];
  const fail = (s: Sample, why: string) =>
    violations.push(`${s.route} sent +${s.sentAt - t.faultAt} ms, status ${s.status}: ${why}`);
  // A Cluster can heal itself before the test sees it back: the window ends at the earlier.
  const end = Math.min(t.backAt, t.recoveredAt);
  const during = samples.filter((s) => s.sentAt >= t.detectedAt && s.at < end);
  const references = new Map<string, string>();
  const lastAge = new Map<string, number>();
  for (const s of samples) {
    if (!s.headersOk) fail(s, "the three original headers are not all there exactly once");
    if (s.status === 500) fail(s, "a 500");
  }
  for (const s of during) {
    if (s.account !== undefined) {
      if (s.account === "unknown" && s.status !== 503) fail(s, "an unknown address must get 503 while Redis is down");
      if (s.account === "miner" && s.status !== 200 && s.status !== 503) fail(s, "the miner must get 200 or 503");
      if (s.status === 503 && s.retryAfter === undefined) fail(s, "a 503 without Retry-After");
      continue;
    }
    if (s.version !== t.lastGood) fail(s, `version ${s.version}, expected the last good ${t.lastGood}`);
    if (s.ageMs === undefined) fail(s, "no X-Stats-Age-Ms");
    else {
      if (s.ageMs < (lastAge.get(s.route) ?? 0)) fail(s, `age went back to ${s.ageMs}`);
      lastAge.set(s.route, s.ageMs);
    }
    if (s.route === "/health") {
      const stale = (s.ageMs ?? 0) > STALE_AFTER_MS;
      if (s.status !== (stale ? 503 : 200)) fail(s, `age ${s.ageMs}: expected ${stale ? 503 : 200}`);
      if (stale && s.retryAfter === undefined) fail(s, "a stale 503 without Retry-After");
      continue;
    }
    if (s.status !== 200) fail(s, "pool routes serve the last snapshot with 200");
    if (s.route === "/api/stats") continue; // `now` and the live `nodes` change per request
    const body = s.body.toString().replace(/"now":\d+/, '"now":0');
    const reference = references.get(s.route);
    if (reference === undefined) references.set(s.route, body);
    else if (body !== reference) fail(s, "the body changed while Redis was down");
  }
  const accounts = during.filter((s) => s.account !== undefined);
  const firstAfter = (from: number, match: (s: Sample) => boolean) =>
    samples
      .filter((s) => s.sentAt >= from && match(s))
      .reduce((min, s) => Math.min(min, s.at), Number.POSITIVE_INFINITY);
  const staleAt = firstAfter(t.faultAt, (s) => s.route === "/health" && s.status === 503);
  if (staleAt === Number.POSITIVE_INFINITY) violations.push("/health never turned 503 during the outage");
  if (!accounts.some((s) => s.status === 503)) violations.push("no account request got a 503 during the outage");
  const ages = during.map((s) => s.ageMs ?? 0);
  return {
    violations,
    numbers: {
      detectMs: t.detectedAt - t.faultAt,
      account503: accounts.filter((s) => s.status === 503).length,
      accountRequests: accounts.length,
      maxAgeMs: Math.max(0, ...ages),
      staleAfterMs: staleAt - t.faultAt,
      recoverMs: t.recoveredAt - t.backAt,
      outageMs: t.recoveredAt - t.faultAt,
      healthyMs: firstAfter(t.backAt, (s) => s.route === "/health" && s.status === 200) - t.backAt,
    },
    lastGoodVersion: t.lastGood,
    samples,
  };
}
