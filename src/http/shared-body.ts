import { createHash } from "node:crypto";
import { type GoJsonValue, goQuote, toGoJson } from "../go/json.js";
import { compareUtf8 } from "../go/utf8-order.js";
import { type CompressionQueue, compressionQueue } from "./compression-queue.js";
import {
  BROTLI_END,
  brotliOf,
  brotliUncompressed,
  crc32,
  DEFLATE_END,
  deflateSegment,
  GZIP_HEADER,
  gzipTrailer,
  gzipWhole,
  storedBlocks,
} from "./deflate-splice.js";

/** A content coding the API can serve besides identity (`Content-Encoding`). */
export type ContentCoding = "br" | "gzip";

/** A per-request part of a body (`now`, the live nodes), named. @internal */
export class BodySlot<N extends string> {
  constructor(readonly slot: N) {}
}

/** Marks a field of a body as filled per request. @internal */
export function slot<N extends string>(name: N): BodySlot<N> {
  return new BodySlot(name);
}

/** The fields of a Go map body: per-snapshot values, or slots filled per request. @internal */
export type BodyFields<N extends string> = readonly (readonly [key: string, value: GoJsonValue | BodySlot<N>])[];

/** Bodies smaller than this are never compressed: the headers alone outweigh the gain. */
const MIN_COMPRESS_BYTES = 1024;
/** Shared pieces of a spliced gzip body smaller than this go in stored blocks. */
const MIN_SEGMENT_BYTES = 256;
/** An encoding is kept only when it saves at least this share of the bytes. */
const MIN_SAVING = 0.05;

interface GzipForm {
  /** Per piece: its deflate segment, or `undefined` to store it (slots, small pieces). */
  readonly segments: readonly (Buffer | undefined)[];
  /** CRC-32 of the pieces before the first slot, and how many they are. */
  readonly leadingCrc: number;
  readonly leading: number;
}

interface Encodings {
  /** A whole body's gzip, or a spliced one's segments. */
  readonly gzip: Buffer | GzipForm | undefined;
  /** A whole body's brotli, or the flushed brotli of a spliced one's leading pieces. */
  readonly br: Buffer | undefined;
}

/**
 * One body of one route for one snapshot (or one account entry), held as shared bytes:
 * the static JSON between per-request slots (`now`, the live nodes) is serialized once,
 * and compressed once (gzip and brotli, asynchronously on libuv's pool, served as identity
 * until ready). A response is a list of references to these Buffers plus a few small
 * per-request chunks, so N pending responses cost N references, not N copies.
 *
 * A body without slots (blocks, payments, an account) has an `etag`: its bytes are the
 * same for every request.
 * @internal
 */
export class SharedBody<N extends string = never> {
  /** Static bytes (Buffers) and slot names, in body order. */
  private readonly pieces: readonly (Buffer | N)[];
  /** The bytes of the static pieces. */
  readonly staticLength: number;
  private readonly slots: boolean;
  private encodings: Encodings | undefined;
  private compressing = false;
  private tag: string | undefined;

  private constructor(
    pieces: readonly (Buffer | N)[],
    private readonly queue: CompressionQueue,
  ) {
    this.pieces = pieces;
    this.slots = pieces.some((piece) => typeof piece === "string");
    this.staticLength = pieces.reduce((sum, piece) => sum + (typeof piece === "string" ? 0 : piece.length), 0);
  }

  /**
   * A Go map body (`map[string]interface{}` printed by `encoding/json` plus `"\n"`): keys
   * in byte order, whatever the order of `fields`, so a route gains a field by one more
   * entry in its list.
   */
  static goMap<N extends string>(fields: BodyFields<N>, queue = compressionQueue): SharedBody<N> {
    const sorted = [...fields].sort(([a], [b]) => compareUtf8(a, b));
    const pieces: (Buffer | N)[] = [];
    let text = "{";
    sorted.forEach(([key, value], i) => {
      text += `${i === 0 ? "" : ","}${goQuote(key)}:`;
      if (value instanceof BodySlot) {
        pieces.push(Buffer.from(text), value.slot);
        text = "";
      } else {
        text += toGoJson(value);
      }
    });
    pieces.push(Buffer.from(`${text}}\n`));
    return new SharedBody(pieces, queue);
  }

  /** A body that is the same bytes for every request. */
  static whole(bytes: Buffer, queue = compressionQueue): SharedBody<never> {
    return new SharedBody<never>([bytes], queue);
  }

  /**
   * A strong validator of the bytes (a hash of them), for bodies without slots:
   * `"<hash>"` for identity, `"<hash>-gzip"` / `"<hash>-br"` for the encodings.
   */
  etag(coding?: ContentCoding): string | undefined {
    if (this.slots) return undefined;
    if (this.tag === undefined) {
      const hash = createHash("sha1");
      for (const piece of this.pieces) hash.update(piece as Buffer);
      this.tag = hash.digest("base64url").slice(0, 27);
    }
    return `"${this.tag}${coding === undefined ? "" : `-${coding}`}"`;
  }

  /** The identity body: the shared pieces with the slots filled in. */
  identity(values: Readonly<Record<N, Buffer>>): Buffer[] {
    return this.pieces.map((piece) => (typeof piece === "string" ? values[piece] : piece));
  }

  /**
   * The body in `coding`, spliced around the slots; `undefined` while its compression is
   * not done yet (the first call starts it), or when that coding is not worth it for this
   * body (too small, incompressible, or — for brotli — mostly per-request bytes).
   */
  encoded(coding: ContentCoding, values: Readonly<Record<N, Buffer>>): Buffer[] | undefined {
    const encodings = this.encodings;
    if (encodings === undefined) {
      this.prepare();
      return undefined;
    }
    if (coding === "br") {
      return encodings.br === undefined ? undefined : smaller(this.brotli(encodings.br, values), this.identity(values));
    }
    const gzip = encodings.gzip;
    if (gzip === undefined) return undefined;
    return Buffer.isBuffer(gzip) ? [gzip] : smaller(this.gzipSpliced(gzip, values), this.identity(values));
  }

  /** Starts the compression once (again later if the queue refused it). */
  prepare(): void {
    if (this.encodings !== undefined || this.compressing) return;
    if (!this.slots && this.staticLength < MIN_COMPRESS_BYTES) {
      this.encodings = { gzip: undefined, br: undefined };
      return;
    }
    const job = this.queue.run(() => (this.slots ? this.compressSpliced() : this.compressWhole()));
    if (job === undefined) return;
    this.compressing = true;
    job.then(
      (encodings) => {
        this.encodings = encodings;
      },
      () => {
        // zlib failing on a Buffer would be a bug or exhausted memory: serve identity.
        this.encodings = { gzip: undefined, br: undefined };
      },
    );
  }

  /** Resolves once compression has finished or was found not worth it (for tests and benchmarks). */
  async ready(): Promise<void> {
    while (this.encodings === undefined) {
      this.prepare();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async compressWhole(): Promise<Encodings> {
    const bytes = this.pieces[0] as Buffer;
    const worth = (out: Buffer): Buffer | undefined =>
      out.length <= bytes.length * (1 - MIN_SAVING) ? out : undefined;
    const gzip = worth(await gzipWhole(bytes));
    const br = worth(await brotliOf(bytes, false));
    return { gzip, br };
  }

  private async compressSpliced(): Promise<Encodings> {
    const segments: (Buffer | undefined)[] = [];
    for (const piece of this.pieces) {
      segments.push(
        typeof piece !== "string" && piece.length >= MIN_SEGMENT_BYTES ? await deflateSegment(piece) : undefined,
      );
    }
    let leading = 0;
    let leadingCrc = 0;
    while (leading < this.pieces.length && typeof this.pieces[leading] !== "string") {
      leadingCrc = crc32(this.pieces[leading] as Buffer, leadingCrc);
      leading++;
    }
    const prefix = Buffer.concat(this.pieces.slice(0, leading) as Buffer[]);
    // Brotli cannot splice shared segments after a per-request part: only the leading
    // pieces are compressed, the rest goes uncompressed. Worth it when they are most of it.
    const br = prefix.length >= this.staticLength * 0.8 ? await brotliOf(prefix, true) : undefined;
    return { gzip: { segments, leadingCrc, leading }, br };
  }

  private gzipSpliced(form: GzipForm, values: Readonly<Record<N, Buffer>>): Buffer[] {
    const out: Buffer[] = [GZIP_HEADER];
    let crc = form.leadingCrc;
    let length = 0;
    this.pieces.forEach((piece, i) => {
      const bytes = typeof piece === "string" ? values[piece] : piece;
      length += bytes.length;
      if (i >= form.leading) crc = crc32(bytes, crc);
      const segment = form.segments[i];
      if (segment === undefined) storedBlocks(bytes, out);
      else out.push(segment);
    });
    out.push(DEFLATE_END, gzipTrailer(crc, length));
    return out;
  }

  private brotli(compressed: Buffer, values: Readonly<Record<N, Buffer>>): Buffer[] {
    if (!this.slots) return [compressed];
    const out: Buffer[] = [compressed];
    let i = 0;
    while (i < this.pieces.length && typeof this.pieces[i] !== "string") i++;
    for (; i < this.pieces.length; i++) {
      const piece = this.pieces[i] as Buffer | N;
      brotliUncompressed(typeof piece === "string" ? values[piece] : piece, out);
    }
    out.push(BROTLI_END);
    return out;
  }
}

/**
 * `encoded` when it saves bytes over `identity`: a small body spliced around per-request
 * parts (a few hundred bytes of `/api/stats`) would only grow by the framing.
 */
function smaller(encoded: Buffer[], identity: readonly Buffer[]): Buffer[] | undefined {
  const length = (chunks: readonly Buffer[]): number => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return length(encoded) <= length(identity) * (1 - MIN_SAVING) ? encoded : undefined;
}
