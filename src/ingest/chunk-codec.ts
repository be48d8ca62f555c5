// Compressed sample encoding (Gorilla family) for one chunk of one series:
// - timestamps: delta-of-delta, zig-zag, in 1/9/13/20/36-bit buckets ('0' when regular);
// - values: '0' = same bits as before; '10' = decimal delta-of-delta; '11' = Gorilla XOR.
// The decimal branch exists because exporter values are mostly short decimals (12345.67
// CPU seconds, kB counts): their XOR has ~50 significant bits, while the delta-of-delta of
// the scaled integer (1234567) usually fits in 7-14 bits. It is taken only when it decodes
// to exactly the same double (checked when encoding), so every value round-trips bit-exact.
// The scaled deltas are also divided by a binary unit when the values are multiples of 2^8 or
// more (bytes counted in kB or pages: x1024, x4096), which saves 10-12 bits on those series.
// Per-series encoder state lives in typed arrays indexed by series id (no object per series).
import { BitReader, BitWriter, BlockArena, BLOCK_WORDS, forEachChainWord } from "./block-arena.js";
import { PAGE_MASK, PAGE_SHIFT, PagePool, SealedArena } from "./page-pool.js";

const MAX_SCALE = 6;
const P10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const MAX_INT = 2 ** 52;
const I31 = 2 ** 31;
const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);

/** Smallest k such that v is exactly round(v*10^k)/10^k (a short decimal), or -1. */
export function scaleOf(v: number): number {
  if (v === 0) return 1 / v > 0 ? 0 : -1;
  for (let k = 0; k <= MAX_SCALE; k++) {
    const p = P10[k]!;
    const m = Math.round(v * p);
    if (m / p === v) return m <= MAX_INT && m >= -MAX_INT ? k : -1;
  }
  return -1;
}

const P2 = Array.from({ length: 25 }, (_, i) => 2 ** i);

/** Binary unit exponent of the scaled value (>= 8 trailing zero bits), else 0. */
export function shiftOf(v: number, k: number): number {
  if (k < 0) return 0;
  let m = Math.abs(Math.round(v * P10[k]!));
  if (m === 0) return 0;
  let s = 0;
  while (s < 24 && m % 2 === 0) {
    m /= 2;
    s++;
  }
  return s >= 8 ? s : 0;
}

const zigzag = (x: number): number => (x >= 0 ? x * 2 : -x * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export class ChunkCodec {
  readonly pool = new PagePool();
  readonly arena = new BlockArena(this.pool);
  readonly sealed = new SealedArena(this.pool);
  private readonly w = new BitWriter(this.arena);
  private readonly r = new BitReader(this.arena);
  // Encoder state per series id.
  lastTs = new Float64Array(0);
  lastVal = new Float64Array(0);
  private tsDelta = new Int32Array(0);
  private valDelta = new Int32Array(0);
  private scale = new Int8Array(0);
  private shift = new Uint8Array(0);
  private lead = new Uint8Array(0);
  private trail = new Uint8Array(0);
  private wpos = new Int32Array(0);
  private used = new Uint8Array(0);

  /** Bytes holding compressed samples (open blocks plus sealed words). */
  get bytesInUse(): number {
    return this.arena.blocksInUse * BLOCK_WORDS * 4 + this.sealed.wordsInUse * 4;
  }

  grow(capacity: number): void {
    this.lastTs = resize(this.lastTs, capacity);
    this.lastVal = resize(this.lastVal, capacity);
    this.tsDelta = resize(this.tsDelta, capacity);
    this.valDelta = resize(this.valDelta, capacity);
    this.scale = resize(this.scale, capacity);
    this.shift = resize(this.shift, capacity);
    this.lead = resize(this.lead, capacity);
    this.trail = resize(this.trail, capacity);
    this.wpos = resize(this.wpos, capacity);
    this.used = resize(this.used, capacity);
  }

  /** Starts a new chunk for `id` with its first sample; returns the chunk's first block. */
  startChunk(id: number, ts: number, v: number): number {
    const block = this.arena.alloc();
    const w = this.w;
    w.load(block * BLOCK_WORDS, 0);
    f64[0] = v;
    w.write(u32[1]!, 32);
    w.write(u32[0]!, 32);
    this.wpos[id] = w.wpos;
    this.used[id] = w.used;
    this.lastTs[id] = ts;
    this.lastVal[id] = v;
    this.tsDelta[id] = 0;
    this.valDelta[id] = 0;
    this.setScale(id, v);
    this.lead[id] = 255;
    return block;
  }

  /** Appends to the open chunk; false when the gap is too large (caller starts a new chunk). */
  append(id: number, ts: number, v: number): boolean {
    const delta = ts - this.lastTs[id]!;
    if (delta >= 2 ** 30) return false;
    const w = this.w;
    w.load(this.wpos[id]!, this.used[id]!);
    const dod = delta - this.tsDelta[id]!;
    if (dod === 0) w.write(0, 1);
    else {
      const z = zigzag(dod);
      if (z < 128) w.write(0x100 | z, 9);
      else if (z < 1024) w.write(0x1800 | z, 13);
      else if (z < 65536) w.write(0xe0000 | z, 20);
      else {
        w.write(15, 4);
        w.write(z, 32);
      }
    }
    this.tsDelta[id] = delta;
    this.lastTs[id] = ts;
    this.appendValue(id, v);
    this.wpos[id] = w.wpos;
    this.used[id] = w.used;
    return true;
  }

  private appendValue(id: number, v: number): void {
    const w = this.w;
    const prev = this.lastVal[id]!;
    f64[0] = v;
    f64[1] = prev;
    const hi = u32[1]! ^ u32[3]!;
    const lo = u32[0]! ^ u32[2]!;
    this.lastVal[id] = v;
    if (hi === 0 && lo === 0) {
      w.write(0, 1);
      this.valDelta[id] = 0;
      return;
    }
    const k = this.scale[id]!;
    if (k >= 0) {
      const p = P10[k]!;
      const m = Math.round(v * p);
      const d = m - Math.round(prev * p);
      const dd = d - this.valDelta[id]!;
      const unit = P2[this.shift[id]!]!;
      if (
        m / p === v &&
        m <= MAX_INT &&
        m >= -MAX_INT &&
        d > -I31 &&
        d < I31 &&
        dd > -I31 &&
        dd < I31 &&
        d % unit === 0 &&
        (v !== 0 || 1 / v > 0)
      ) {
        const z = zigzag(dd / unit);
        if (z < 64)
          w.write(0x100 | z, 9); // '10' '0' + 6 bits
        else if (z < 2048)
          w.write(0x5000 | z, 15); // '10' '10' + 11 bits
        else if (z < 65536)
          w.write(0x160000 | z, 21); // '10' '110' + 16 bits
        else if (z < 4194304)
          w.write(0xb800000 | z, 28); // '10' '1110' + 22 bits
        else {
          w.write(47, 6); // '10' '1111' + 32 bits
          w.write(z, 32);
        }
        this.valDelta[id] = d;
        return;
      }
    }
    this.valDelta[id] = 0;
    this.setScale(id, v);
    const lz = Math.min(31, hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo));
    const tz = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
    const pl = this.lead[id]!;
    const pt = this.trail[id]!;
    if (pl !== 255 && lz >= pl && tz >= pt) {
      w.write(6, 3);
      w.writeWide(hi, lo, pt, 64 - pl - pt);
    } else {
      const sig = 64 - lz - tz;
      w.write(7, 3);
      w.write((lz << 6) | (sig - 1), 11);
      w.writeWide(hi, lo, tz, sig);
      this.lead[id] = lz;
      this.trail[id] = tz;
    }
  }

  private setScale(id: number, v: number): void {
    const k = scaleOf(v);
    this.scale[id] = k;
    this.shift[id] = shiftOf(v, k);
  }

  /**
   * Closes the open chunk of `id` that starts at `block`: copies its words to exact size into
   * the sealed arena of time span `span` and frees the blocks. Returns the chunk's new
   * reference (negative = sealed) or `block` when it could not be sealed.
   */
  seal(id: number, block: number, span: number): number {
    const pages = this.pool.pages;
    const last = this.wpos[id]!;
    let n = 0;
    forEachChainWord(pages, block, last, () => n++);
    if (this.used[id] === 0) n--;
    const addr = n > 0 ? this.sealed.alloc(span, n) : -1;
    if (addr < 0) return block;
    const dst = pages[addr >>> PAGE_SHIFT]!;
    let at = addr & PAGE_MASK;
    const stop = at + n;
    forEachChainWord(pages, block, last, (w) => {
      if (at < stop) dst[at++] = pages[w >>> PAGE_SHIFT]![w & PAGE_MASK]!;
    });
    this.arena.freeChain(block);
    return -addr - 1;
  }

  /** Decodes `count` samples of the chunk `ref` (block or sealed); pushes those in [from, to]. */
  decode(
    ref: number,
    firstTs: number,
    count: number,
    from: number,
    to: number,
    out: PointBuffer,
  ): void {
    const r = this.r;
    if (ref < 0) r.startSealed(-ref - 1);
    else r.start(ref);
    u32[1] = r.read(32);
    u32[0] = r.read(32);
    let v = f64[0]!;
    let ts = firstTs;
    let tsDelta = 0;
    let valDelta = 0;
    let k = scaleOf(v);
    let unit = P2[shiftOf(v, k)]!;
    let pl = 255;
    let pt = 0;
    for (let i = 0; ;) {
      if (ts >= from && ts <= to) out.push(ts, v);
      if (++i >= count || ts > to) return;
      tsDelta += readDod(r);
      ts += tsDelta;
      if (r.read(1) === 0) {
        valDelta = 0;
        continue;
      }
      if (r.read(1) === 0) {
        const p = P10[k]!;
        valDelta += unzigzag(readValueZ(r)) * unit;
        v = (Math.round(v * p) + valDelta) / p;
        continue;
      }
      valDelta = 0;
      f64[1] = v;
      if (r.read(1) === 1) {
        pl = r.read(5);
        pt = 64 - pl - (r.read(6) + 1);
      }
      readXor(r, 64 - pl - pt, pt);
      v = f64[1]!;
      k = scaleOf(v);
      unit = P2[shiftOf(v, k)]!;
    }
  }
}

/** Query output in typed arrays: JS number arrays would canonicalise NaN payloads (stale markers). */
export class PointBuffer {
  ts = new Float64Array(16);
  values = new Float64Array(16);
  length = 0;

  push(ts: number, v: number): void {
    if (this.length === this.ts.length) {
      this.ts = resize(this.ts, this.length * 2);
      this.values = resize(this.values, this.length * 2);
    }
    this.ts[this.length] = ts;
    this.values[this.length++] = v;
  }
}

function readDod(r: BitReader): number {
  if (r.read(1) === 0) return 0;
  if (r.read(1) === 0) return unzigzag(r.read(7));
  if (r.read(1) === 0) return unzigzag(r.read(10));
  if (r.read(1) === 0) return unzigzag(r.read(16));
  return unzigzag(r.read(32));
}

function readValueZ(r: BitReader): number {
  if (r.read(1) === 0) return r.read(6);
  if (r.read(1) === 0) return r.read(11);
  if (r.read(1) === 0) return r.read(16);
  if (r.read(1) === 0) return r.read(22);
  return r.read(32);
}

// XORs `sig` bits, placed `shift` bits up, into the double held in f64[1].
function readXor(r: BitReader, sig: number, shift: number): void {
  let hi = 0;
  let lo = sig > 32 ? ((hi = r.read(sig - 32)), r.read(32)) : r.read(sig);
  if (shift >= 32) {
    hi = lo << (shift - 32);
    lo = 0;
  } else if (shift > 0) {
    hi = (hi << shift) | (lo >>> (32 - shift));
    lo = lo << shift;
  }
  u32[3] = u32[3]! ^ hi;
  u32[2] = u32[2]! ^ lo;
}

function resize<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}
