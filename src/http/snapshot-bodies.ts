import type { GoJsonValue } from "../go/json.js";
import { chartAveragesToGo, poolChartsToGo, uncertaintyToGo } from "../json/chart-shapes.js";
import { blocksToGo, paymentsToGo } from "../json/compat-shapes.js";
import { type JsonExtras, luckWithExtras, minersWithExtras, NO_JSON_EXTRAS } from "../json/extra-fields.js";
import type { LuckStats } from "../model/results.js";
import type { LuckRow } from "../model/rows.js";
import type { StatsSnapshot } from "../model/snapshot.js";
import { type BodyFields, SharedBody, slot } from "./shared-body.js";

/** The per-request parts of `/api/stats`. @internal */
export type StatsSlots = "nodes" | "now";
/** The per-request part of `/api/miners`. @internal */
export type MinersSlots = "now";

/** The `/api/blocks` body, and the luck rows that had to be left out of it. @internal */
export interface BlocksBody {
  readonly body: SharedBody;
  /** Keys of luck rows left out because a value was NaN or ±Infinity (Go cannot encode them). */
  readonly droppedLuckRows: readonly string[];
}

/**
 * The fields of each pool route's body, per snapshot, in one place: a route gains a field
 * by one more entry here, as the opt-in fields (`extras`: charts, averages, uncertainty)
 * do. Keys may come in any order: the body prints them in Go's byte order, as the
 * original's `map[string]interface{}` (and the fork's, so `poolCharts` lands between `now`
 * and `stats`). Without extras every body is the original's byte for byte.
 * @internal
 */
export const POOL_BODY_FIELDS = {
  stats: (snapshot: StatsSnapshot, extras: JsonExtras = NO_JSON_EXTRAS): BodyFields<StatsSlots> => {
    const s = snapshot.stats;
    return [
      ["candidatesTotal", BigInt(s.candidatesTotal)],
      ["hashrate", s.hashrate],
      ...(extras.charts ? ([["hashrateAverages", chartAveragesToGo(snapshot.charts?.averages)]] as const) : []),
      ...(extras.uncertainty ? ([["hashrateUncertainty", uncertaintyToGo(s.hashrateUncertainty)]] as const) : []),
      ["immatureTotal", BigInt(s.immatureTotal)],
      ["maturedTotal", BigInt(s.maturedTotal)],
      ["minersTotal", BigInt(s.minersTotal)],
      ["nodes", slot("nodes")],
      ["now", slot("now")],
      ...(extras.charts ? ([["poolCharts", poolChartsToGo(snapshot.charts?.points)]] as const) : []),
      ["stats", s.stats],
    ];
  },
  miners: (snapshot: StatsSnapshot, extras: JsonExtras = NO_JSON_EXTRAS): BodyFields<MinersSlots> => {
    const s = snapshot.stats;
    return [
      ["hashrate", s.hashrate],
      ...(extras.uncertainty ? ([["hashrateUncertainty", uncertaintyToGo(s.hashrateUncertainty)]] as const) : []),
      ["miners", minersWithExtras(s.miners, extras)],
      ["minersTotal", BigInt(s.minersTotal)],
      ["now", slot("now")],
    ];
  },
  payments: (snapshot: StatsSnapshot, _extras: JsonExtras = NO_JSON_EXTRAS): BodyFields<never> => {
    const s = snapshot.stats;
    return [
      ["payments", paymentsToGo(s.payments)],
      ["paymentsTotal", BigInt(s.paymentsTotal)],
    ];
  },
};

/**
 * The bodies of one snapshot's pool routes, serialized once (and compressed once) and kept
 * as long as the snapshot lives: each request then costs a few small chunks (`now`, the
 * live nodes) next to shared Buffers, or nothing at all (`/api/blocks`, `/api/payments`
 * are the same bytes every time).
 * @internal
 */
export class SnapshotBodies {
  private statsBody: SharedBody<StatsSlots> | undefined;
  private minersBody: SharedBody<MinersSlots> | undefined;
  private blocksBody: BlocksBody | undefined;
  private paymentsBody: SharedBody | undefined;
  private luckReported = false;

  constructor(
    private readonly snapshot: StatsSnapshot,
    private readonly extras: JsonExtras = NO_JSON_EXTRAS,
  ) {}

  /** `/api/stats` around the live `nodes` and `now`. */
  stats(): SharedBody<StatsSlots> {
    this.statsBody ??= SharedBody.goMap(POOL_BODY_FIELDS.stats(this.snapshot, this.extras));
    return this.statsBody;
  }

  /** `/api/miners` around `now`. */
  miners(): SharedBody<MinersSlots> {
    this.minersBody ??= SharedBody.goMap(POOL_BODY_FIELDS.miners(this.snapshot, this.extras));
    return this.minersBody;
  }

  /** The whole `/api/blocks` body. */
  blocks(): BlocksBody {
    if (this.blocksBody === undefined) {
      const s = this.snapshot.stats;
      const { luck, dropped } = encodableLuck(this.snapshot.luck, this.extras);
      const body = SharedBody.goMap<never>([
        ["candidates", blocksToGo(s.candidates)],
        ["candidatesTotal", BigInt(s.candidatesTotal)],
        ["immature", blocksToGo(s.immature)],
        ["immatureTotal", BigInt(s.immatureTotal)],
        ["luck", luck],
        ["matured", blocksToGo(s.matured)],
        ["maturedTotal", BigInt(s.maturedTotal)],
      ]);
      this.blocksBody = { body, droppedLuckRows: dropped };
    }
    return this.blocksBody;
  }

  /**
   * The luck rows `blocks()` left out, the first time it is asked (so a host logs them
   * once per snapshot, not once per request); `undefined` afterwards or when none were.
   */
  claimLuckReport(): readonly string[] | undefined {
    const { droppedLuckRows } = this.blocks();
    if (this.luckReported || droppedLuckRows.length === 0) return undefined;
    this.luckReported = true;
    return droppedLuckRows;
  }

  /** The whole `/api/payments` body. */
  payments(): SharedBody {
    this.paymentsBody ??= SharedBody.goMap(POOL_BODY_FIELDS.payments(this.snapshot, this.extras));
    return this.paymentsBody;
  }

  /** Builds every body and starts their compression: for a server warming up on a new snapshot. */
  prepare(): void {
    for (const body of [this.stats(), this.miners(), this.blocks().body, this.payments()]) body.prepare();
  }
}

const bodies = new WeakMap<StatsSnapshot, SnapshotBodies>();

/**
 * The serialized bodies of `snapshot`: the same object for the snapshot's whole life (a
 * snapshot is frozen, so its text never changes), dropped with it. `extras` are the
 * source's (its config's opt-ins), the same for every route of a snapshot.
 * @internal
 */
export function snapshotBodies(snapshot: StatsSnapshot, extras: JsonExtras = NO_JSON_EXTRAS): SnapshotBodies {
  let entry = bodies.get(snapshot);
  if (entry === undefined) {
    entry = new SnapshotBodies(snapshot, extras);
    bodies.set(snapshot, entry);
  }
  return entry;
}

/**
 * The luck map without rows Go could not encode. The converters already leave
 * zero-difficulty blocks out of the mean, so a NaN/Inf here would be a new kind of bad
 * data; the original would answer an empty body on every request until the data changes.
 */
function encodableLuck(luck: LuckStats | null, extras: JsonExtras): { luck: GoJsonValue; dropped: string[] } {
  if (luck === null) return { luck: null, dropped: [] };
  const rows = new Map<string, LuckRow>();
  const dropped: string[] = [];
  for (const [key, row] of luck.rows) {
    if (Number.isFinite(row.luck) && Number.isFinite(row.uncleRate) && Number.isFinite(row.orphanRate)) {
      rows.set(key, row);
    } else {
      dropped.push(key);
    }
  }
  return { luck: luckWithExtras(rows, extras), dropped };
}
