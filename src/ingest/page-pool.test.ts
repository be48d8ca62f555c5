import { describe, expect, it } from "vitest";
import { PAGE_WORDS, PagePool, PageSource, REGION_BYTES } from "./page-pool.js";

describe("PageSource", () => {
  it("hands out zeroed, disjoint pages from regions that double up to 64 MiB", () => {
    const src = new PageSource(1 << 18);
    const pages = Array.from({ length: 520 }, () => src.take());
    const sizes = [...new Set(pages.map((p) => p.buffer))].map((b) => b.byteLength);
    expect(sizes.slice(0, 4)).toEqual([1 << 18, 1 << 18, 1 << 19, 1 << 20]);
    expect(Math.max(...sizes)).toBe(REGION_BYTES);
    // No two pages overlap: each (buffer, offset) is distinct and inside its region.
    const seen = new Set<string>();
    for (const p of pages) {
      expect(p.byteOffset + (1 << 18)).toBeLessThanOrEqual(p.buffer.byteLength);
      const key = `${pages.findIndex((q) => q.buffer === p.buffer)}:${p.byteOffset}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    // A write to one page is not seen in its neighbour.
    const [a, b] = [pages[300]!, pages[301]!];
    expect(a.buffer).toBe(b.buffer);
    new Uint8Array(a.buffer, a.byteOffset, 1 << 18).fill(7);
    expect(new Uint8Array(b.buffer, b.byteOffset, 1 << 18).every((x) => x === 0)).toBe(true);
  });

  it("counts the current region's bytes no page was carved from yet", () => {
    const src = new PageSource(1 << 18);
    expect(src.uncarvedBytes).toBe(0);
    src.take(); // region of one page
    expect(src.uncarvedBytes).toBe(0);
    src.take(); // region of one page (carved so far: one)
    src.take(); // region of two pages, one carved
    expect(src.uncarvedBytes).toBe(1 << 18);
    src.take();
    src.take(); // region of four pages, one carved
    expect(src.uncarvedBytes).toBe(3 << 18);
  });

  it("refuses a page size that does not divide the region", () => {
    expect(() => new PageSource(3_000)).toThrow(/divide/);
  });
});

describe("PagePool", () => {
  it("gives a released page back zeroed", () => {
    const pool = new PagePool();
    const id = pool.alloc();
    pool.pages[id]!.fill(9);
    pool.release(id);
    expect(pool.alloc()).toBe(id);
    expect(pool.pages[id]!.length).toBe(PAGE_WORDS);
    expect(pool.pages[id]!.every((x) => x === 0)).toBe(true);
  });
});
