import { type GoJsonValue, toGoJson } from "../go/json.js";
import { blocksToGo, paymentsToGo } from "../json/compat-shapes.js";
import {
  type JsonExtras,
  luckWithExtras,
  minersWithExtras,
  NO_JSON_EXTRAS,
  poolUncertaintyText,
  statsExtraText,
} from "../json/extra-fields.js";
import type { LuckStats } from "../model/results.js";
import type { LuckRow } from "../model/rows.js";
import type { StatsSnapshot } from "../model/snapshot.js";

/** A body around the per-request parts: `head + <live part> + tail`. @internal */
export interface BodyFrame {
  readonly head: string;
  readonly tail: string;
}

/** The `/api/blocks` body, and the luck rows that had to be left out of it. @internal */
export interface BlocksBody {
  readonly body: Buffer;
  /** Keys of luck rows left out because a value was NaN or ±Infinity (Go cannot encode them). */
  readonly droppedLuckRows: readonly string[];
}

/**
 * The JSON text of one snapshot's pool routes, serialized once and kept as long as the
 * snapshot lives: each request then costs a string concatenation (`now`, the live nodes),
 * or nothing at all (`/api/blocks`, `/api/payments` are the same Buffer every time).
 *
 * Key orders are Go's (map keys in byte order); `toGoJson` prints every value.
 * @internal
 */
export class SnapshotBodies {
  private statsFrame: BodyFrame | undefined;
  private minersFrame: BodyFrame | undefined;
  private blocksBody: BlocksBody | undefined;
  private paymentsBody: Buffer | undefined;
  private luckReported = false;

  constructor(
    private readonly snapshot: StatsSnapshot,
    private readonly extras: JsonExtras = NO_JSON_EXTRAS,
  ) {}

  /** `/api/stats` around `nodes` and `now`: `head + nodes + ',"now":' + now + tail`. */
  stats(): BodyFrame {
    if (this.statsFrame === undefined) {
      const s = this.snapshot.stats;
      const extra = statsExtraText(this.snapshot, this.extras);
      this.statsFrame = {
        head:
          `{"candidatesTotal":${s.candidatesTotal},"hashrate":${s.hashrate}${extra.afterHashrate},"immatureTotal":${s.immatureTotal},` +
          `"maturedTotal":${s.maturedTotal},"minersTotal":${s.minersTotal},"nodes":`,
        tail: `${extra.afterNow},"stats":${toGoJson(s.stats)}}\n`,
      };
    }
    return this.statsFrame;
  }

  /** `/api/miners` around `now`: `head + now + tail`. */
  miners(): BodyFrame {
    if (this.minersFrame === undefined) {
      const s = this.snapshot.stats;
      this.minersFrame = {
        head: `{"hashrate":${s.hashrate}${poolUncertaintyText(s, this.extras)},"miners":${toGoJson(minersWithExtras(s.miners, this.extras))},"minersTotal":${s.minersTotal},"now":`,
        tail: "}\n",
      };
    }
    return this.minersFrame;
  }

  /** The whole `/api/blocks` body. */
  blocks(): BlocksBody {
    if (this.blocksBody === undefined) {
      const s = this.snapshot.stats;
      const { luck, dropped } = encodableLuck(this.snapshot.luck, this.extras);
      const body = new Map<string, GoJsonValue>([
        ["candidates", blocksToGo(s.candidates)],
        ["candidatesTotal", BigInt(s.candidatesTotal)],
        ["immature", blocksToGo(s.immature)],
        ["immatureTotal", BigInt(s.immatureTotal)],
        ["luck", luck],
        ["matured", blocksToGo(s.matured)],
        ["maturedTotal", BigInt(s.maturedTotal)],
      ]);
      this.blocksBody = { body: Buffer.from(`${toGoJson(body)}\n`), droppedLuckRows: dropped };
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
  payments(): Buffer {
    if (this.paymentsBody === undefined) {
      const s = this.snapshot.stats;
      const body = new Map<string, GoJsonValue>([
        ["payments", paymentsToGo(s.payments)],
        ["paymentsTotal", BigInt(s.paymentsTotal)],
      ]);
      this.paymentsBody = Buffer.from(`${toGoJson(body)}\n`);
    }
    return this.paymentsBody;
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
