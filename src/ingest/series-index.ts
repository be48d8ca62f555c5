// Open-addressing hash table from a 32-bit series hash to a series handle, in two typed
// arrays (8 bytes a slot) instead of a Map (~40 bytes an entry): it holds one or two entries
// per series. Entries are never deleted one by one: a handle carries its series'
// generation, so entries of removed series are recognised as dead and dropped on rehash, and a
// lookup always verifies the labels of a candidate anyway (hashes can collide).

export type LiveCheck = (handle: number) => boolean;

const EMPTY = 0;

export class SeriesIndex {
  private hashes: Uint32Array;
  private handles: Int32Array; // handle + 1; 0 = empty slot
  private mask: number;
  private used = 0;

  constructor(
    private readonly isLive: LiveCheck,
    initialSlots = 1024,
  ) {
    const n = pow2AtLeast(initialSlots);
    this.hashes = new Uint32Array(n);
    this.handles = new Int32Array(n);
    this.mask = n - 1;
  }

  /** First slot to probe for `hash`; walk with `next` while `handleAt` is not -1. */
  start(hash: number): number {
    return hash & this.mask;
  }

  next(slot: number): number {
    return (slot + 1) & this.mask;
  }

  /** Handle stored in `slot`, or -1 when the slot is empty (end of the probe chain). */
  handleAt(slot: number): number {
    return this.handles[slot]! - 1;
  }

  hashAt(slot: number): number {
    return this.hashes[slot]!;
  }

  get slots(): number {
    return this.handles.length;
  }

  /** Memory held, for the bytes-per-series accounting. */
  get byteLength(): number {
    return this.hashes.byteLength + this.handles.byteLength;
  }

  insert(hash: number, handle: number): void {
    if ((this.used + 1) * 10 > this.handles.length * 8) this.rehash();
    this.place(hash >>> 0, handle);
    this.used++;
  }

  private place(hash: number, handle: number): void {
    let slot = hash & this.mask;
    while (this.handles[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.hashes[slot] = hash;
    this.handles[slot] = handle + 1;
  }

  // Keeps live entries only, then sizes the table for twice their number (load 0.4-0.8:
  // lookups are mostly hits, which stay short under linear probing; memory is 8 B a slot).
  private rehash(): void {
    const oldH = this.hashes;
    const oldI = this.handles;
    let live = 0;
    for (let i = 0; i < oldI.length; i++)
      if (oldI[i] !== EMPTY && this.isLive(oldI[i]! - 1)) live++;
    const n = Math.max(1024, pow2AtLeast((live + 1) * 2));
    this.hashes = new Uint32Array(n);
    this.handles = new Int32Array(n);
    this.mask = n - 1;
    this.used = 0;
    for (let i = 0; i < oldI.length; i++) {
      const h = oldI[i]! - 1;
      if (h >= 0 && this.isLive(h)) {
        this.place(oldH[i]!, h);
        this.used++;
      }
    }
  }
}

function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
