// 256 KiB pages of 32-bit words shared by open chunks (BlockArena) and sealed chunks
// (SealedArena). A word address is page id * 65,536 + offset; page id 0 is never used, so
// address 0 (and block 0) can mean "none".

export const PAGE_SHIFT = 16;
export const PAGE_WORDS = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_WORDS - 1;

/** Largest region pages are carved from (above glibc's largest mmap threshold, 32 MiB). */
export const REGION_BYTES = 64 << 20;

/**
 * Fixed-size pages carved out of regions, each region one zero-filled ArrayBuffer, doubling
 * from one page up to 64 MiB. A 64 MiB region is above glibc's largest mmap threshold, so it
 * is always its own mapping, and its pages become resident only as they are written. One
 * ArrayBuffer per page instead came from glibc's main arena once a freed request buffer had
 * raised the threshold, interleaved with those transient buffers, whose holes then stayed
 * resident (decision 0024). Small stores (tests, a quiet collector) stay small.
 */
export class PageSource {
  private region: ArrayBuffer | null = null;
  private used = 0;
  private carved = 0;

  constructor(readonly pageBytes: number) {
    if (REGION_BYTES % pageBytes !== 0) throw new Error("page size must divide the region");
  }

  /** A zero-filled page of `pageBytes` (never handed out twice). */
  take(): { buffer: ArrayBuffer; byteOffset: number } {
    if (this.region === null || this.used === this.region.byteLength) {
      this.region = new ArrayBuffer(Math.min(REGION_BYTES, Math.max(this.pageBytes, this.carved)));
      this.used = 0;
    }
    const byteOffset = this.used;
    this.used += this.pageBytes;
    this.carved += this.pageBytes;
    return { buffer: this.region, byteOffset };
  }

  /** Bytes of the current region not carved yet: address space, not memory, until written. */
  get uncarvedBytes(): number {
    return this.region === null ? 0 : this.region.byteLength - this.used;
  }
}

export class PagePool {
  readonly pages: Uint32Array[] = [new Uint32Array(0)];
  private readonly free: number[] = [];
  private readonly source = new PageSource(PAGE_WORDS * 4);

  /** A zeroed page. */
  alloc(): number {
    const id = this.free.pop();
    if (id !== undefined) {
      this.pages[id]!.fill(0);
      return id;
    }
    const { buffer, byteOffset } = this.source.take();
    this.pages.push(new Uint32Array(buffer, byteOffset, PAGE_WORDS));
    return this.pages.length - 1;
  }

  release(id: number): void {
    this.free.push(id);
  }

  get byteLength(): number {
    return (this.pages.length - 1) * PAGE_WORDS * 4;
  }

  /** Region bytes no page was carved from yet (see PageSource.uncarvedBytes). */
  get uncarvedBytes(): number {
    return this.source.uncarvedBytes;
  }
}

/**
 * Sealed (closed) chunks, copied to exact size and grouped by the aligned time span they
 * cover: every series closes its chunk of a span around the same time, and a whole span
 * expires at once, so a span's pages are bump-allocated and freed together (no per-chunk
 * free list, no fragmentation).
 */
export class SealedArena {
  private readonly spans = new Map<number, { pages: number[]; off: number }>();
  /** Spans up to this index were released; chunks there are gone. */
  releasedThrough = -Infinity;
  private words = 0;

  constructor(private readonly pool: PagePool) {}

  /** Word address for `n` contiguous words in span `span`, or -1 (span released / too big). */
  alloc(span: number, n: number): number {
    if (span <= this.releasedThrough || n > PAGE_WORDS) return -1;
    let seg = this.spans.get(span);
    if (seg === undefined) this.spans.set(span, (seg = { pages: [this.pool.alloc()], off: 0 }));
    if (seg.off + n > PAGE_WORDS) {
      seg.pages.push(this.pool.alloc());
      seg.off = 0;
    }
    const addr = seg.pages[seg.pages.length - 1]! * PAGE_WORDS + seg.off;
    seg.off += n;
    this.words += n;
    return addr;
  }

  /** Frees every span with index <= `through`. */
  release(through: number): void {
    if (through <= this.releasedThrough) return;
    this.releasedThrough = through;
    for (const [span, seg] of this.spans) {
      if (span > through) continue;
      for (const p of seg.pages) this.pool.release(p);
      this.spans.delete(span);
    }
  }

  get wordsInUse(): number {
    return this.words;
  }
}
