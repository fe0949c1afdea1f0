import type { ZsetWithScores } from "../convert/reply-shapes.js";
import type { MalformedSink } from "../model/malformed.js";
import type { RedisClient } from "../redis/client.js";
import { readScoreRange } from "../redis/range-reader.js";

/** How a chart series is read. @internal */
export interface SeriesRead<P> {
  readonly key: string;
  /** The converter of one chunk (`convertPoolChart` or `convertMinerChart`). */
  readonly convert: (chunk: ZsetWithScores, onMalformed: MalformedSink) => P[];
  /** Now, in Unix seconds (where the range reader's slices end). */
  readonly nowS: number;
  readonly chunkSize: number;
  /** The most points kept: the newest win. */
  readonly maxPoints: number;
  readonly atomic: boolean;
  readonly operation: string;
  readonly onMalformed: MalformedSink;
}

/** A series as read. @internal */
export interface SeriesContent<P> {
  readonly points: readonly P[];
  /** Well-formed points left out beyond `maxPoints`. */
  readonly dropped: number;
  /** Members skipped as malformed. */
  readonly malformed: number;
  /** Whether the key held another Redis type (read as empty). */
  readonly wrongType: boolean;
}

/**
 * Reads a whole chart series, as the fork's `ZRANGE key 0 -1 WITHSCORES` does, but in
 * bounded commands (score slices and pages of `chunkSize`, the range reader's walk), and
 * keeps at most the newest `maxPoints` points in memory while it goes.
 * @internal
 */
export async function readSeries<P>(client: RedisClient, read: SeriesRead<P>): Promise<SeriesContent<P>> {
  let points: P[] = [];
  let dropped = 0;
  let malformed = 0;
  const sink: MalformedSink = (member, reason) => {
    malformed++;
    read.onMalformed(member, reason);
  };
  const result = await readScoreRange(client, {
    key: read.key,
    from: Number.NEGATIVE_INFINITY,
    nowS: read.nowS,
    chunkSize: read.chunkSize,
    atomic: read.atomic,
    operation: read.operation,
    onChunk: (chunk) => {
      for (const point of read.convert(chunk, sink)) points.push(point);
      // Trim now and then, not per point: memory stays under twice the bound.
      if (points.length > 2 * read.maxPoints) {
        dropped += points.length - read.maxPoints;
        points = points.slice(points.length - read.maxPoints);
      }
    },
  });
  if (points.length > read.maxPoints) {
    dropped += points.length - read.maxPoints;
    points = points.slice(points.length - read.maxPoints);
  }
  return { points, dropped, malformed, wrongType: result.wrongType };
}
