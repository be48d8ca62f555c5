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
//
// A closed chunk is re-encoded when sealed, if that is smaller (decision 0025): frame of
// reference over the whole chunk. Its timestamp deltas and its scaled value deltas are each
// stored as offsets from the chunk's smallest one in a fixed bit width, so a regular scrape
// costs 0 bits a timestamp, a constant 0 bits a value, and a counter whose increments vary
// within 60 hundredths 6 bits, where the streaming form's buckets cost 1, 1 and ~15. Only
// exactly round-tripping chunks take it (checked sample by sample when sealing).
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

/**
 * First word of a packed sealed chunk. A streaming chunk starts with the high word of its first
 * value; this one is a NaN's, and a streaming chunk starting with it is never sealed.
 */
const PACKED = 0xfff7c0de;
// Packed header: PACKED 32, ts base (width 5 + bits), scale 3, shift 5, first scaled value
// (sign 1, width 6, bits), value base (sign 1, width 6, bits), ts width 5, value width 6.
const PACKED_FIXED_BITS = 32 + 5 + 3 + 5 + 7 + 7 + 5 + 6;
const MAX_SHIFT = 24;
const P2_32 = 2 ** 32;

/** Bits needed for 0..x (0 <= x < 2^32; 33 above). */
const widthOf = (x: number): number => (x === 0 ? 0 : x >= P2_32 ? 33 : 32 - Math.clz32(x));

/** Bits needed for 0..x (0 <= x <= 2^53). */
const wideWidthOf = (x: number): number =>
  x < P2_32 ? widthOf(x) : 32 + widthOf(Math.floor(x / P2_32));

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
  // Sealing scratch: the closing chunk's samples and its packed layout.
  private readonly scratch = new PointBuffer();
  private words: Uint32Array<ArrayBuffer> = new Uint32Array(64); // the sealing chunk's stream, contiguous
  private xorAtTs = NaN; // planFromStream's result when a value took the XOR branch: its time
  private tsd = new Float64Array(0); // timestamp deltas
  private ed = new Float64Array(0); // scaled value deltas
  private readonly sw = new SealedWriter();
  private readonly plan = {
    tsBase: 0,
    tsWidth: 0,
    scale: 0,
    shift: 0,
    m0: 0,
    vBase: 0,
    vWidth: 0,
  };

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
   * Closes the open chunk of `id` that starts at `block` (first timestamp `firstTs`, `count`
   * samples): writes it to exact size into the sealed arena of time span `span`, packed when
   * that is smaller, and frees the blocks. Returns the chunk's new reference (negative =
   * sealed) or `block` when it could not be sealed.
   */
  seal(id: number, block: number, span: number, firstTs: number, count: number): number {
    // The chain's words, once, contiguous: the packing plan and the streaming copy read them.
    let words = this.words;
    let n = 0;
    forEachChainWord(this.pool.pages, block, this.wpos[id]!, (w) => {
      if (n + 1 >= words.length) words = this.words = grown(words);
      words[n++] = this.pool.pages[w >>> PAGE_SHIFT]![w & PAGE_MASK]!;
    });
    if (this.used[id] === 0) n--; // the write position is a fresh, empty word
    words[n] = 0; // the reader's window may look one word past the end
    const packed = this.packedWords(block, firstTs, count);
    const usePacked = packed > 0 && packed < n;
    // A streaming chunk that starts with the packed marker is left open (it would read as packed).
    if (!usePacked && (n <= 0 || words[0] === PACKED)) return block;
    const addr = this.sealed.alloc(span, usePacked ? packed : n);
    if (addr < 0) return block;
    if (usePacked) this.writePacked(addr, packed, count);
    else this.pool.pages[addr >>> PAGE_SHIFT]!.set(words.subarray(0, n), addr & PAGE_MASK);
    this.arena.freeChain(block);
    return -addr - 1;
  }

  /**
   * Words of the packed form of the open chunk at `block`, its layout left in `plan` and its
   * timestamp and scaled value deltas in `tsd`/`ed`; 0 when it cannot be packed exactly
   * (timestamps not whole milliseconds, a value that is not a short decimal, -0, deltas too
   * wide).
   */
  private packedWords(block: number, firstTs: number, count: number): number {
    if (count < 2 || !Number.isInteger(firstTs)) return 0;
    if (this.tsd.length < count) {
      this.tsd = new Float64Array(count * 2);
      this.ed = new Float64Array(count * 2);
    }
    if (!this.planFromStream(firstTs, count)) {
      // A value took the XOR branch: packing needs it to be a short decimal too. Decoding up to
      // it alone settles most chunks (random doubles) before the whole chunk is decoded.
      const at = this.xorAtTs;
      const one = this.scratch;
      one.length = 0;
      if (at === at) this.decode(block, firstTs, count, at, at, one);
      if (one.length !== 1 || scaleOf(one.values[0]!) < 0) return 0;
      if (!this.planFromValues(block, firstTs, count)) return 0;
    }
    const plan = this.plan;
    if (plan.tsWidth > 31 || plan.vWidth > 32 || plan.tsBase >= P2_32) return 0;
    const header =
      PACKED_FIXED_BITS +
      widthOf(plan.tsBase) +
      wideWidthOf(Math.abs(plan.m0)) +
      widthOf(Math.abs(plan.vBase));
    return Math.ceil((header + (count - 1) * (plan.tsWidth + plan.vWidth)) / 32);
  }

  /**
   * The usual case, in one pass over the stream: every value after the first was written by
   * the decimal branch (or repeated), so the stream already holds the scaled deltas at one
   * scale and unit, each checked exact when it was appended. False (nothing planned) when the
   * first value is not a short decimal, or a value took the XOR branch (its time in xorAtTs).
   */
  private planFromStream(firstTs: number, count: number): boolean {
    // The chain's words (copied by seal), read through a 32-bit window at a bit position: two
    // prefix codes and a payload per sample cost a few shifts (the general BitReader made this
    // pass cost as much as the appends).
    const words = this.words;
    u32[1] = words[0]!;
    u32[0] = words[1]!;
    const v0 = f64[0]!;
    const k = scaleOf(v0);
    this.xorAtTs = NaN;
    if (k < 0) return false;
    const unit = P2[shiftOf(v0, k)]!;
    const tsd = this.tsd;
    const ed = this.ed;
    let pos = 64;
    let ts = firstTs;
    let tsDelta = 0;
    let valDelta = 0;
    let dMin = Infinity;
    let dMax = -Infinity;
    let eMin = Infinity;
    let eMax = -Infinity;
    let orAll = 0;
    for (let i = 1; i < count; i++) {
      let x = windowAt(words, pos);
      if (x >= 0) {
        pos += 1; // '0': regular
      } else {
        tsDelta += unzigzag(readBucket(words, pos, x, 1, TS_WIDTHS));
        pos = bucketEnd;
      }
      tsd[i] = tsDelta;
      ts += tsDelta;
      if (tsDelta < dMin) dMin = tsDelta;
      if (tsDelta > dMax) dMax = tsDelta;
      x = windowAt(words, pos);
      if (x >= 0) {
        pos += 1; // '0': the same value
        valDelta = 0;
      } else if (x << 1 < 0) {
        this.xorAtTs = ts;
        return false; // '11': XOR, another scale
      } else {
        valDelta += unzigzag(readBucket(words, pos, x, 2, VALUE_WIDTHS)) * unit;
        pos = bucketEnd;
      }
      ed[i] = valDelta;
      orAll |= valDelta; // |scaled delta| < 2^31 (checked when appended)
      if (valDelta < eMin) eMin = valDelta;
      if (valDelta > eMax) eMax = valDelta;
    }
    // The deltas' common binary unit (at least the stream's).
    const shift = orAll === 0 ? 0 : Math.min(MAX_SHIFT, 31 - Math.clz32(orAll & -orAll));
    eMin /= P2[shift]!;
    eMax /= P2[shift]!;
    this.setPlan(dMin, dMax, k, shift, Math.round(v0 * P10[k]!), eMin, eMax);
    return true;
  }

  /**
   * Any other chunk: decoded, then every value tried at the chunk's largest decimal scale and
   * the deltas' common binary unit, checked sample by sample exactly as decodePacked computes.
   */
  private planFromValues(block: number, firstTs: number, count: number): boolean {
    const buf = this.scratch;
    buf.length = 0;
    this.decode(block, firstTs, count, -Infinity, Infinity, buf);
    const ts = buf.ts;
    const vs = buf.values;
    const tsd = this.tsd;
    const ed = this.ed;
    let dMin = Infinity;
    let dMax = -Infinity;
    let k = 0;
    for (let i = 0; i < count; i++) {
      const sk = scaleOf(vs[i]!);
      if (sk < 0) return false;
      if (sk > k) k = sk;
      if (i === 0) continue;
      const d = ts[i]! - ts[i - 1]!;
      if (!Number.isInteger(d)) return false;
      tsd[i] = d;
      if (d < dMin) dMin = d;
      if (d > dMax) dMax = d;
    }
    const p = P10[k]!;
    const m0 = Math.round(vs[0]! * p);
    // Scaled deltas, and their common binary unit.
    let shift = MAX_SHIFT;
    let prev = m0;
    for (let i = 1; i < count; i++) {
      const m = Math.round(vs[i]! * p);
      const e = m - prev;
      prev = m;
      ed[i] = e;
      if (e !== 0) while (shift > 0 && e % P2[shift]! !== 0) shift--;
    }
    const unit = P2[shift]!;
    let eMin = Infinity;
    let eMax = -Infinity;
    // Exactly what decodePacked computes, sample by sample.
    let m = m0;
    if (!Object.is(m / p, vs[0]!) || m > MAX_INT || m < -MAX_INT) return false;
    for (let i = 1; i < count; i++) {
      const e = ed[i]! / unit;
      if (e < eMin) eMin = e;
      if (e > eMax) eMax = e;
      m += e * unit;
      if (!Object.is(m / p, vs[i]!) || m > MAX_INT || m < -MAX_INT) return false;
    }
    if (eMin <= -P2_32 || eMin >= P2_32 || eMax - eMin >= P2_32) return false;
    this.setPlan(dMin, dMax, k, shift, m0, eMin, eMax);
    return true;
  }

  private setPlan(
    dMin: number,
    dMax: number,
    scale: number,
    shift: number,
    m0: number,
    eMin: number,
    eMax: number,
  ): void {
    const plan = this.plan;
    plan.tsBase = dMin;
    plan.tsWidth = widthOf(dMax - dMin);
    plan.scale = scale;
    plan.shift = shift;
    plan.m0 = m0;
    plan.vBase = eMin;
    plan.vWidth = widthOf(eMax - eMin);
  }

  // Writes the chunk whose deltas are in `tsd`/`ed`, packed by `plan`, at sealed address `addr`.
  private writePacked(addr: number, words: number, count: number): void {
    const { tsBase, tsWidth, scale, shift, m0, vBase, vWidth } = this.plan;
    const w = this.sw;
    w.start(this.pool.pages[addr >>> PAGE_SHIFT]!, addr & PAGE_MASK);
    w.write(PACKED, 32);
    w.write(widthOf(tsBase), 5);
    w.write(tsBase, widthOf(tsBase));
    w.write(scale, 3);
    w.write(shift, 5);
    w.writeSigned(m0, 6);
    w.writeSigned(vBase, 6);
    w.write(tsWidth, 5);
    w.write(vWidth, 6);
    const tsd = this.tsd;
    const ed = this.ed;
    const perUnit = 1 / P2[shift]!; // exact: a power of two
    if (tsWidth + vWidth <= 32) {
      const up = P2_32 / 2 ** (32 - vWidth); // 2^vWidth
      for (let i = 1; i < count; i++)
        w.write((tsd[i]! - tsBase) * up + (ed[i]! * perUnit - vBase), tsWidth + vWidth);
    } else {
      for (let i = 1; i < count; i++) {
        w.write(tsd[i]! - tsBase, tsWidth);
        w.write(ed[i]! * perUnit - vBase, vWidth);
      }
    }
    w.finish();
    if (w.written !== words) throw new Error(`packed chunk: ${w.written} words, planned ${words}`);
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
    const head = r.read(32);
    if (head === PACKED && ref < 0) {
      decodePacked(r, firstTs, count, from, to, out);
      return;
    }
    u32[1] = head;
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

// Decodes a packed sealed chunk, `r` just past its PACKED word (see writePacked).
function decodePacked(
  r: BitReader,
  firstTs: number,
  count: number,
  from: number,
  to: number,
  out: PointBuffer,
): void {
  const tsBaseWidth = r.read(5);
  const tsBase = tsBaseWidth === 0 ? 0 : r.read(tsBaseWidth);
  const p = P10[r.read(3)]!;
  const unit = P2[r.read(5)]!;
  let m = readSigned(r, 6);
  const vBase = readSigned(r, 6);
  const tsWidth = r.read(5);
  const vWidth = r.read(6);
  let v = m / p;
  let ts = firstTs;
  for (let i = 0; ;) {
    if (ts >= from && ts <= to) out.push(ts, v);
    if (++i >= count || ts > to) return;
    ts += tsBase + (tsWidth === 0 ? 0 : r.read(tsWidth));
    m += (vBase + (vWidth === 0 ? 0 : r.read(vWidth))) * unit;
    v = m / p;
  }
}

function readSigned(r: BitReader, widthBits: number): number {
  const negative = r.read(1) === 1;
  const n = r.read(widthBits);
  const mag = n === 0 ? 0 : n > 32 ? r.read(n - 32) * P2_32 + r.read(32) : r.read(n);
  return negative ? -mag : mag;
}

/**
 * Writes bits MSB-first into contiguous words (a sealed chunk), each word stored whole, so the
 * page's old contents do not matter.
 */
class SealedWriter {
  private page: Uint32Array = new Uint32Array(0);
  private off = 0;
  private start0 = 0;
  private acc = 0;
  private used = 0;

  start(page: Uint32Array, off: number): void {
    this.page = page;
    this.off = this.start0 = off;
    this.acc = this.used = 0;
  }

  /** Appends the low `n` bits of `v` (0 <= n <= 32, v < 2^n). */
  write(v: number, n: number): void {
    if (n === 0) return;
    const free = 32 - this.used;
    if (n < free) {
      this.acc |= v << (free - n);
      this.used += n;
      return;
    }
    const rest = n - free;
    this.page[this.off++] = this.acc | (v >>> rest);
    this.acc = rest === 0 ? 0 : v << (32 - rest);
    this.used = rest;
  }

  /** Sign bit, the magnitude's width in `widthBits` bits, the magnitude (|x| < 2^53). */
  writeSigned(x: number, widthBits: number): void {
    const mag = Math.abs(x);
    const n = wideWidthOf(mag);
    this.write(x < 0 ? 1 : 0, 1);
    this.write(n, widthBits);
    if (n > 32) {
      this.write(Math.floor(mag / P2_32), n - 32);
      this.write(mag % P2_32, 32);
    } else this.write(mag, n);
  }

  finish(): void {
    if (this.used > 0) this.page[this.off++] = this.acc;
    this.acc = this.used = 0;
  }

  get written(): number {
    return this.off - this.start0;
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

// The streaming codes' buckets (see append and appendValue), after their leading bits ('1'
// for a timestamp, '10' for a decimal value): n 1s then a 0 (none after the last bucket)
// select the payload width TS_WIDTHS[n] or VALUE_WIDTHS[n].
const TS_WIDTHS = [7, 10, 16, 32];
const VALUE_WIDTHS = [6, 11, 16, 22, 32];

let bucketEnd = 0; // second result of readBucket (no allocation per sample)

/**
 * The payload of the code at bit `pos` of `words` whose first 32 bits are `x`, after `lead`
 * leading bits; sets bucketEnd to the bit after it. Read from `x` unless it is 32 bits wide.
 */
function readBucket(
  words: Uint32Array,
  pos: number,
  x: number,
  lead: number,
  widths: readonly number[],
): number {
  const last = widths.length - 1;
  const ones = Math.min(Math.clz32(~(x << lead)), last);
  const skip = lead + (ones === last ? last : ones + 1);
  const n = widths[ones]!;
  bucketEnd = pos + skip + n;
  return n < 32 ? (x << skip) >>> (32 - n) : windowAt(words, pos + skip) >>> 0;
}

/** The 32 bits of `words` from bit `pos` on (MSB first), as an int32. */
function windowAt(words: Uint32Array, pos: number): number {
  const i = pos >>> 5;
  const o = pos & 31;
  return o === 0 ? words[i]! | 0 : (words[i]! << o) | (words[i + 1]! >>> (32 - o));
}

function grown(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

function resize<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}
