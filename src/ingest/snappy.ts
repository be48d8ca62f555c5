// Snappy block format (what Prometheus remote_write uses), hand-written rather than snappyjs:
// snappyjs copies byte by byte, does not bound the output it writes, and does not check that
// the stream produced exactly the declared length. This one refuses an oversized declared
// length before allocating, validates every offset/length, and reuses one output buffer.
import { compress as snappyjsCompress } from "snappyjs";
import { IngestError } from "./errors.js";

/** Reads the preamble (uncompressed length varint, at most 32 bits). */
export function snappyDeclaredLength(src: Uint8Array): { length: number; headerBytes: number } {
  let result = 0;
  for (let i = 0, shift = 0; i < 5 && i < src.length; i++, shift += 7) {
    const c = src[i]!;
    result += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) {
      if (result > 0xffffffff) break;
      return { length: result, headerBytes: i + 1 };
    }
  }
  throw new IngestError("bad_snappy", "snappy: bad length preamble");
}

/** Decompresses into a buffer it keeps; the returned view is valid until the next call. */
// Copies move 8 bytes per step, as a float64 (DataView loads/stores compile to single
// unaligned moves; V8 keeps a NaN's bits, signalling ones included, which a test holds it to;
// 8 bytes a step instead of 4: 313 -> 221 us for a 234 KB remote_write body). A copy may
// write up to 7 bytes past the element's end: that space is overwritten by the next element,
// and the buffer keeps SLACK spare bytes so the last element cannot overflow it.
const SLACK = 8;

export class SnappyDecoder {
  private out: Buffer = Buffer.allocUnsafe((1 << 16) + SLACK);
  private view = new DataView(this.out.buffer, this.out.byteOffset, this.out.length);

  constructor(private readonly maxBytes: number) {}

  decompress(src: Uint8Array): Buffer {
    const { length, headerBytes } = snappyDeclaredLength(src);
    if (length > this.maxBytes) {
      throw new IngestError(
        "payload_too_large",
        `snappy: declared uncompressed length ${length} exceeds the limit of ${this.maxBytes} bytes`,
      );
    }
    if (this.out.length < length + SLACK) {
      this.out = Buffer.allocUnsafe(Math.max(length, this.out.length * 2) + SLACK);
      this.view = new DataView(this.out.buffer, this.out.byteOffset, this.out.length);
    }
    const out = this.out;
    const written = inflate(src, headerBytes, out, this.view, length);
    if (written !== length) {
      throw new IngestError("bad_snappy", `snappy: produced ${written} bytes, declared ${length}`);
    }
    return out.subarray(0, length);
  }
}

/** One-shot convenience (allocates its own output). */
export function snappyDecompress(src: Uint8Array, maxBytes: number): Buffer {
  return Buffer.from(new SnappyDecoder(maxBytes).decompress(src));
}

export function snappyCompress(input: Uint8Array): Uint8Array {
  return snappyjsCompress(input);
}

function corrupt(what: string): never {
  throw new IngestError("bad_snappy", `snappy: ${what}`);
}

// Returns the number of bytes written; every element is bounds-checked against both buffers.
function inflate(
  src: Uint8Array,
  pos: number,
  out: Uint8Array,
  view: DataView,
  outLen: number,
): number {
  const end = src.length;
  const srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let op = 0;
  while (pos < end) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    let len: number;
    if (kind === 0) {
      len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > end) corrupt("truncated literal length");
        len = 0;
        for (let i = 0; i < extra; i++) len += src[pos + i]! * 2 ** (8 * i);
        len += 1;
        pos += extra;
      }
      if (pos + len > end) corrupt("literal beyond input");
      if (op + len > outLen) corrupt("literal beyond declared length");
      if (len > 64) out.set(src.subarray(pos, pos + len), op);
      else if (pos + len + 8 <= end) {
        for (let i = 0; i < len; i += 8)
          view.setFloat64(op + i, srcView.getFloat64(pos + i, true), true);
      } else {
        for (let i = 0; i < len; i++) out[op + i] = src[pos + i]!;
      }
      pos += len;
      op += len;
      continue;
    }
    let offset: number;
    if (kind === 1) {
      if (pos >= end) corrupt("truncated copy");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > end) corrupt("truncated copy");
      len = (tag >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) corrupt("truncated copy");
      len = (tag >>> 2) + 1;
      offset =
        (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > op) corrupt("copy offset out of range");
    if (op + len > outLen) corrupt("copy beyond declared length");
    let from = op - offset;
    const stop = op + len;
    if (offset >= 8) {
      // Each 8-byte read ends at or before the write position, so overlap is still safe.
      for (; op < stop; op += 8, from += 8) view.setFloat64(op, view.getFloat64(from, true), true);
      op = stop;
    } else if (offset >= 4) {
      for (; op < stop; op += 4, from += 4) view.setUint32(op, view.getUint32(from, true), true);
      op = stop;
    } else {
      // Offsets 1-3 repeat a short pattern (run-length): byte by byte.
      while (op < stop) out[op++] = out[from++]!;
    }
  }
  return op;
}
