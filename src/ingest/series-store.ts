// In-memory series store: per series a recent window of compressed samples (chunk-codec),
// kept as a small ring of time-aligned chunks; whole chunks are freed once older than the
// window. Everything per series that is numeric lives in typed arrays indexed by series id;
// the only objects per series are the Series handle and its labels (decoded once).
import { ChunkCodec, PointBuffer } from "./chunk-codec.js";

import { type ComponentState, Series, type Labels } from "./series.js";

export { ComponentState, Series, type Labels } from "./series.js";

export interface SeriesStoreOptions {
  windowMs: number; // recent window kept at native resolution
  chunkSpanMs: number; // one chunk per aligned span
  staleMs: number; // a series is active while it received a sample this recently
  /**
   * Series ids the per-series arrays are sized for at once (0: grown as needed). Reserved,
   * not used: a typed array's pages cost no memory until written, so a collector reserving a
   * million ids holds only what its series touch, and never grows its arrays by copying —
   * glibc keeps the freed copies resident (decision 0021: ≈ 1.25 KB per series at 30,000).
   */
  reserveSeries: number;
}
export const DEFAULT_STORE_OPTIONS: SeriesStoreOptions = {
  windowMs: 3_600_000,
  chunkSpanMs: 1_200_000,
  staleMs: 900_000,
  reserveSeries: 0,
};

export const APPEND_OK = 0;
export const APPEND_OUT_OF_ORDER = 1;
export const APPEND_DUPLICATE = 2;

const ID_BITS = 24;
const MAX_CHUNK_SAMPLES = 65_535;

export class SeriesStore {
  readonly opts: SeriesStoreOptions;
  readonly codec = new ChunkCodec();
  private readonly ring: number; // chunk slots per series
  private series: (Series | undefined)[] = [];
  private freeIds: number[] = [];
  private cap = 0;
  private nextId = 0;
  private live = 0;
  private gen = new Uint8Array(0);
  private pos = new Int32Array(0); // index in component.series
  private activeFlag = new Uint8Array(0);
  private nLabels = new Uint8Array(0); // label count, saturating at 255
  private lastSeenS = new Uint32Array(0);
  private ringStart = new Uint8Array(0);
  private ringLen = new Uint8Array(0);
  private chunkBlock = new Int32Array(0);
  private chunkFirstTs = new Float64Array(0);
  private chunkCount = new Uint16Array(0);

  constructor(opts: Partial<SeriesStoreOptions> = {}) {
    this.opts = { ...DEFAULT_STORE_OPTIONS, ...opts };
    this.ring = Math.ceil(this.opts.windowMs / this.opts.chunkSpanMs) + 1;
    if (this.ring > 255) throw new Error("chunkSpanMs too small for windowMs");
    if (this.opts.reserveSeries > 0) this.grow(Math.min(this.opts.reserveSeries, 2 ** ID_BITS));
  }

  /** Series ids below this are addressable (for arrays kept beside the store). */
  get capacity(): number {
    return this.cap;
  }

  get size(): number {
    return this.live;
  }

  /** Handle = id plus generation, so index entries of a removed series are recognisably dead. */
  handleOf(s: Series): number {
    return s.id + this.gen[s.id]! * 2 ** ID_BITS;
  }

  byId(id: number): Series | undefined {
    return this.series[id];
  }

  byHandle(h: number): Series | undefined {
    const id = h & (2 ** ID_BITS - 1);
    return this.gen[id] === h >>> ID_BITS ? this.series[id] : undefined;
  }

  create(component: ComponentState, labels: Labels): Series {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.nextId++;
    if (id >= this.cap) this.grow();
    if (id >= 2 ** ID_BITS) throw new Error("series store full");
    const s = new Series(id, component, labels);
    this.series[id] = s;
    this.pos[id] = component.series.length;
    component.series.push(s);
    this.activeFlag[id] = 0;
    this.ringLen[id] = 0;
    let n = 0;
    for (const _ in labels) n++;
    this.nLabels[id] = Math.min(n, 255);
    this.live++;
    return s;
  }

  /** Number of labels (255 means 255 or more). */
  labelCount(s: Series): number {
    return this.nLabels[s.id]!;
  }

  isActive(s: Series): boolean {
    return this.activeFlag[s.id] === 1;
  }

  /** Marks a series active (it took a cap slot) and records when it was last seen. */
  activate(s: Series, nowMs: number): void {
    if (this.activeFlag[s.id] === 0) {
      this.activeFlag[s.id] = 1;
      s.component.active++;
    }
    this.lastSeenS[s.id] = nowMs / 1000;
  }

  /** Gives the series' cap slot up (it must win a slot again to flow). */
  deactivate(s: Series): void {
    if (this.activeFlag[s.id] === 1) {
      this.activeFlag[s.id] = 0;
      s.component.active--;
    }
  }

  touch(s: Series, nowMs: number): void {
    this.lastSeenS[s.id] = nowMs / 1000;
  }

  lastTimestamp(s: Series): number {
    return this.ringLen[s.id] === 0 ? -Infinity : this.codec.lastTs[s.id]!;
  }

  /** APPEND_OK, APPEND_OUT_OF_ORDER or APPEND_DUPLICATE (same timestamp as the last sample). */
  append(s: Series, ts: number, v: number): number {
    const id = s.id;
    const n = this.ringLen[id]!;
    if (n === 0) {
      this.newChunk(id, ts, v);
      return APPEND_OK;
    }
    const last = this.codec.lastTs[id]!;
    if (ts <= last) return ts === last ? APPEND_DUPLICATE : APPEND_OUT_OF_ORDER;
    const slot = id * this.ring + ((this.ringStart[id]! + n - 1) % this.ring);
    const span = this.opts.chunkSpanMs;
    if (
      Math.floor(ts / span) !== Math.floor(this.chunkFirstTs[slot]! / span) ||
      this.chunkCount[slot] === MAX_CHUNK_SAMPLES ||
      !this.codec.append(id, ts, v)
    ) {
      this.newChunk(id, ts, v);
    } else {
      this.chunkCount[slot] = this.chunkCount[slot]! + 1;
    }
    return APPEND_OK;
  }

  /** Points of a series with from <= ts <= to, oldest first. */
  read(s: Series, fromMs: number, toMs: number, out = new PointBuffer()): PointBuffer {
    const id = s.id;
    const span = this.opts.chunkSpanMs;
    for (let i = 0; i < this.ringLen[id]!; i++) {
      const slot = id * this.ring + ((this.ringStart[id]! + i) % this.ring);
      const first = this.chunkFirstTs[slot]!;
      if (first > toMs || (Math.floor(first / span) + 1) * span <= fromMs) continue;
      if (
        this.chunkBlock[slot]! < 0 &&
        Math.floor(first / span) <= this.codec.sealed.releasedThrough
      )
        continue;
      this.codec.decode(this.chunkBlock[slot]!, first, this.chunkCount[slot]!, fromMs, toMs, out);
    }
    return out;
  }

  /**
   * Deactivates series not seen within staleMs (their cap slot frees) and removes series whose
   * data all left the window. Returns the series it removed (for rollup flushing).
   */
  sweepComponent(c: ComponentState, nowMs: number, removed: Series[] = []): Series[] {
    const staleS = (nowMs - this.opts.staleMs) / 1000;
    const horizon = nowMs - this.opts.windowMs;
    for (let i = c.series.length - 1; i >= 0; i--) {
      const s = c.series[i]!;
      if (this.activeFlag[s.id] === 1 && this.lastSeenS[s.id]! < staleS) {
        this.activeFlag[s.id] = 0;
        c.active--;
      }
      this.expireChunks(s.id, horizon);
      if (this.ringLen[s.id] === 0 && this.activeFlag[s.id] === 0) {
        this.remove(s);
        removed.push(s);
      }
    }
    c.sweptAtMs = nowMs;
    return removed;
  }

  /** Frees the sealed chunks of every span that ended before the window (call from sweeps). */
  releaseExpired(nowMs: number): void {
    this.codec.sealed.release(Math.floor((nowMs - this.opts.windowMs) / this.opts.chunkSpanMs) - 1);
  }

  remove(s: Series): void {
    const id = s.id;
    if (this.series[id] !== s) return;
    while (this.ringLen[id]! > 0) this.dropOldest(id);
    const list = s.component.series;
    const last = list.pop()!;
    if (last !== s) {
      list[this.pos[id]!] = last;
      this.pos[last.id] = this.pos[id]!;
    }
    if (this.activeFlag[id] === 1) s.component.active--;
    this.activeFlag[id] = 0;
    this.series[id] = undefined;
    this.gen[id] = (this.gen[id]! + 1) & 0x7f;
    this.freeIds.push(id);
    this.live--;
  }

  private newChunk(id: number, ts: number, v: number): void {
    this.expireChunks(id, ts - this.opts.windowMs);
    if (this.ringLen[id] === this.ring) this.dropOldest(id);
    const n = this.ringLen[id]!;
    if (n > 0) {
      const open = id * this.ring + ((this.ringStart[id]! + n - 1) % this.ring);
      const ref = this.chunkBlock[open]!;
      if (ref > 0)
        this.chunkBlock[open] = this.codec.seal(
          id,
          ref,
          Math.floor(this.chunkFirstTs[open]! / this.opts.chunkSpanMs),
          this.chunkFirstTs[open]!,
          this.chunkCount[open]!,
        );
    }
    const slot = id * this.ring + ((this.ringStart[id]! + this.ringLen[id]!) % this.ring);
    this.chunkBlock[slot] = this.codec.startChunk(id, ts, v);
    this.chunkFirstTs[slot] = ts;
    this.chunkCount[slot] = 1;
    this.ringLen[id] = this.ringLen[id]! + 1;
  }

  // Drops chunks whose aligned span ended at or before `horizon`.
  private expireChunks(id: number, horizon: number): void {
    const span = this.opts.chunkSpanMs;
    while (this.ringLen[id]! > 0) {
      const first = this.chunkFirstTs[id * this.ring + this.ringStart[id]!]!;
      if ((Math.floor(first / span) + 1) * span > horizon) return;
      this.dropOldest(id);
    }
  }

  private dropOldest(id: number): void {
    const slot = id * this.ring + this.ringStart[id]!;
    const ref = this.chunkBlock[slot]!;
    if (ref > 0) this.codec.arena.freeChain(ref); // sealed chunks go with their span
    this.ringStart[id] = (this.ringStart[id]! + 1) % this.ring;
    this.ringLen[id] = this.ringLen[id]! - 1;
  }

  // Grows by an eighth (at least 4,096 ids): doubling would leave up to half the arrays unused.
  private grow(to = this.cap + Math.max(4096, this.cap >> 3)): void {
    const n = to;
    const r = this.ring;
    this.codec.grow(n);
    this.gen = resize(this.gen, n);
    this.pos = resize(this.pos, n);
    this.activeFlag = resize(this.activeFlag, n);
    this.nLabels = resize(this.nLabels, n);
    this.lastSeenS = resize(this.lastSeenS, n);
    this.ringStart = resize(this.ringStart, n);
    this.ringLen = resize(this.ringLen, n);
    this.chunkBlock = resize(this.chunkBlock, n * r);
    this.chunkFirstTs = resize(this.chunkFirstTs, n * r);
    this.chunkCount = resize(this.chunkCount, n * r);
    this.cap = n;
  }

  /** Typed-array and arena bytes (for memory accounting in the bench). */
  get byteLength(): number {
    return this.codec.pool.byteLength + this.cap * (8 * 2 + 4 * 4 + 9 + 14 * this.ring);
  }
}

function resize<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  a: T,
  n: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
