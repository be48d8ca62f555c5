// A small allocator of byte ranges inside 256 KiB pages, with size classes of `grain` bytes
// and a free list per class. Used for data kept per series or per label that is too small to
// deserve its own typed array (each typed array costs ~100+ bytes of object overhead).

import { PageSource } from "./page-pool.js";

const PAGE_BYTES = 1 << 18;

export class BytePages {
  private readonly pages: Uint8Array[] = [];
  private readonly views: DataView[] = [];
  private readonly freeLists: number[][];
  private bump = PAGE_BYTES;
  private readonly source = new PageSource(PAGE_BYTES);

  constructor(
    private readonly grain: number,
    private readonly maxBytes: number,
  ) {
    this.freeLists = Array.from({ length: Math.ceil(maxBytes / grain) + 1 }, () => []);
  }

  /** Address of `n` bytes (1..maxBytes), or -1 when `n` is out of range. */
  alloc(n: number): number {
    if (n <= 0 || n > this.maxBytes) return -1;
    const cls = Math.ceil(n / this.grain);
    const reused = this.freeLists[cls]!.pop();
    if (reused !== undefined) return reused;
    if (this.bump + cls * this.grain > PAGE_BYTES) {
      const { buffer, byteOffset } = this.source.take();
      this.pages.push(new Uint8Array(buffer, byteOffset, PAGE_BYTES));
      this.views.push(new DataView(buffer, byteOffset, PAGE_BYTES));
      this.bump = 0;
    }
    const at = (this.pages.length - 1) * PAGE_BYTES + this.bump;
    this.bump += cls * this.grain;
    return at;
  }

  free(at: number, n: number): void {
    this.freeLists[Math.ceil(n / this.grain)]!.push(at);
  }

  page(at: number): Uint8Array {
    return this.pages[Math.floor(at / PAGE_BYTES)]!;
  }

  view(at: number): DataView {
    return this.views[Math.floor(at / PAGE_BYTES)]!;
  }

  offset(at: number): number {
    return at % PAGE_BYTES;
  }

  /** Region bytes no page was carved from yet (see PageSource.uncarvedBytes). */
  get uncarvedBytes(): number {
    return this.source.uncarvedBytes;
  }

  get byteLength(): number {
    return this.pages.length * PAGE_BYTES;
  }
}
