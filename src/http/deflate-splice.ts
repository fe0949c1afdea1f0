import * as zlib from "node:zlib";

/**
 * The byte-level pieces that let a body be compressed once and still carry per-request
 * parts (`now`, the live nodes): a compressed stream is spliced from segments compressed
 * once per snapshot and small segments written per request without compression.
 *
 * - **gzip** (RFC 1951/1952): each shared segment is a raw deflate stream ended by a full
 *   flush (byte-aligned, never final, no back-reference before its start), so segments
 *   can follow each other in any order; per-request bytes go in *stored* blocks; an empty
 *   final stored block ends the stream, then the CRC-32 and length of everything.
 * - **brotli** (RFC 7932): the leading shared part is compressed once and flushed (which
 *   byte-aligns the stream without ending it); every later byte goes in *uncompressed*
 *   meta-blocks; an empty last meta-block ends it.
 *
 * A decoder sees one ordinary stream: the decoded bytes are exactly the identity body.
 * @internal
 */

/** Stored blocks and uncompressed meta-blocks hold at most this many bytes each. */
const STORED_MAX = 0xffff;
const BROTLI_UNCOMPRESSED_MAX = 0x10000;

/** gzip member header: deflate, no flags, no mtime, no extra flags, OS unknown. */
export const GZIP_HEADER: Buffer = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** An empty stored block with BFINAL set: the end of a deflate stream at a byte boundary. */
export const DEFLATE_END: Buffer = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);
/** ISLAST = 1, ISLASTEMPTY = 1: the end of a brotli stream at a byte boundary. */
export const BROTLI_END: Buffer = Buffer.from([0x03]);

/** The non-final stored deflate blocks that carry `bytes` as they are (no copy of the data). */
export function storedBlocks(bytes: Buffer, out: Buffer[]): void {
  for (let at = 0; at < bytes.length; at += STORED_MAX) {
    const part = bytes.subarray(at, at + STORED_MAX);
    const header = Buffer.allocUnsafe(5);
    header[0] = 0x00; // BFINAL = 0, BTYPE = 00 (stored), padded to the byte
    header.writeUInt16LE(part.length, 1);
    header.writeUInt16LE(~part.length & 0xffff, 3);
    out.push(header, part);
  }
}

/** The uncompressed brotli meta-blocks that carry `bytes` as they are. */
export function brotliUncompressed(bytes: Buffer, out: Buffer[]): void {
  for (let at = 0; at < bytes.length; at += BROTLI_UNCOMPRESSED_MAX) {
    const part = bytes.subarray(at, at + BROTLI_UNCOMPRESSED_MAX);
    // ISLAST = 0 (1 bit), MNIBBLES = 4 (code 0, 2 bits), MLEN - 1 (16 bits), ISUNCOMPRESSED = 1,
    // then padding to the byte: 20 bits in 3 bytes, least significant bit first.
    const bits = ((part.length - 1) << 3) | (1 << 19);
    out.push(Buffer.from([bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff]), part);
  }
}

/** The gzip trailer: CRC-32 and length (mod 2^32) of the uncompressed bytes, little-endian. */
export function gzipTrailer(crc: number, length: number): Buffer {
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length >>> 0, 4);
  return trailer;
}

/** CRC-32 of `bytes` continuing from `crc` (zlib's, from Node 20.15; a table otherwise). */
export const crc32: (bytes: Buffer, crc?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (bytes, crc = 0) => zlib.crc32(bytes, crc) : tableCrc32;

let table: Uint32Array | undefined;

function tableCrc32(bytes: Buffer, crc = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (table[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A shared raw deflate segment of `bytes`, ended by a full flush (async, on libuv's pool). */
export function deflateSegment(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(bytes, { finishFlush: zlib.constants.Z_FULL_FLUSH }, (error, out) =>
      error ? reject(error) : resolve(out),
    );
  });
}

/** A complete gzip member of `bytes` (async). */
export function gzipWhole(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.gzip(bytes, (error, out) => (error ? reject(error) : resolve(out)));
  });
}

/**
 * A brotli stream of `bytes` (async): complete, or, with `open`, flushed and left open for
 * uncompressed meta-blocks and {@link BROTLI_END}. Quality 5 with a window fitted to the
 * body: ~10× faster than brotli's default 11, a few per cent larger.
 */
export function brotliOf(bytes: Buffer, open: boolean): Promise<Buffer> {
  const c = zlib.constants;
  const lgwin = Math.min(22, Math.max(16, Math.ceil(Math.log2(bytes.length + 1))));
  return new Promise((resolve, reject) => {
    zlib.brotliCompress(
      bytes,
      {
        finishFlush: open ? c.BROTLI_OPERATION_FLUSH : c.BROTLI_OPERATION_FINISH,
        params: {
          [c.BROTLI_PARAM_QUALITY]: 5,
          [c.BROTLI_PARAM_LGWIN]: lgwin,
          [c.BROTLI_PARAM_MODE]: c.BROTLI_MODE_TEXT,
          [c.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      },
      (error, out) => (error ? reject(error) : resolve(out)),
    );
  });
}
