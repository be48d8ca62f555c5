// Hand-written remote_write 1.0 WriteRequest encoder (for forwarding and benches). Sizes are
// computed first so each nested length is written once, straight into one growing buffer.
import type { Labels } from "./series-store.js";

export interface EncodableSeries {
  labels: Labels;
  /** Indexes into `ts`/`values` of this series' samples, in time order. */
  samples: ArrayLike<number>;
}

export class WriteRequestEncoder {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;
  /** With `cacheLabels`, each labels object's encoded bytes are kept (series repeat every push). */
  private readonly cache: WeakMap<Labels, Uint8Array> | undefined;

  constructor(opts: { cacheLabels?: boolean } = {}) {
    this.cache = opts.cacheLabels ? new WeakMap() : undefined;
  }

  encode(
    series: readonly EncodableSeries[],
    ts: ArrayLike<number>,
    values: ArrayLike<number>,
  ): Uint8Array {
    this.pos = 0;
    for (const s of series) {
      const cached = this.cache?.get(s.labels);
      let labelsSize = 0;
      if (cached !== undefined) labelsSize = cached.length;
      else for (const k in s.labels) labelsSize += fieldSize(labelSize(k, s.labels[k]!));
      let samplesSize = 0;
      for (let i = 0; i < s.samples.length; i++)
        samplesSize += fieldSize(sampleSize(ts[s.samples[i]!]!));
      const size = labelsSize + samplesSize;
      this.ensure(fieldSize(size));
      this.tagLen(0x0a, size);
      const labelsAt = this.pos;
      if (cached !== undefined) {
        this.buf.set(cached, this.pos);
        this.pos += cached.length;
      } else
        for (const k in s.labels) {
          const v = s.labels[k]!;
          this.tagLen(0x0a, labelSize(k, v));
          this.tagLen(0x0a, Buffer.byteLength(k));
          this.pos += this.buf.write(k, this.pos);
          this.tagLen(0x12, Buffer.byteLength(v));
          this.pos += this.buf.write(v, this.pos);
        }
      if (this.cache !== undefined && cached === undefined)
        this.cache.set(s.labels, Uint8Array.prototype.slice.call(this.buf, labelsAt, this.pos));
      for (let i = 0; i < s.samples.length; i++) {
        const j = s.samples[i]!;
        this.tagLen(0x12, sampleSize(ts[j]!));
        this.buf[this.pos++] = 0x09;
        this.buf.writeDoubleLE(values[j]!, this.pos);
        this.pos += 8;
        this.buf[this.pos++] = 0x10;
        this.varint(ts[j]!);
      }
    }
    return Uint8Array.prototype.slice.call(this.buf, 0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  private tagLen(tag: number, len: number): void {
    this.buf[this.pos++] = tag;
    this.varint(len);
  }

  private varint(v: number): void {
    if (v < 0) {
      let b = BigInt.asUintN(64, BigInt(v));
      while (b >= 0x80n) {
        this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
        b >>= 7n;
      }
      this.buf[this.pos++] = Number(b);
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
}

function varintSize(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const fieldSize = (len: number): number => 1 + varintSize(len) + len;
const labelSize = (k: string, v: string): number =>
  fieldSize(Buffer.byteLength(k)) + fieldSize(Buffer.byteLength(v));
const sampleSize = (ts: number): number => 9 + 1 + varintSize(ts);
