// Memory for open (growing) chunks: fixed 32-byte blocks (7 data words + 1 link word) carved
// from pool pages. One typed array per chunk would cost ~200 bytes of object overhead per
// chunk (several chunks per series); a block id is just an integer. Free blocks are chained
// through their link word, so freeing needs no extra memory. Closed chunks are copied to
// exact size into a SealedArena (page-pool.ts).

import { PAGE_MASK, PAGE_SHIFT, type PagePool } from "./page-pool.js";

export const BLOCK_WORDS = 8;
const DATA_WORDS = BLOCK_WORDS - 1;

export class BlockArena {
  readonly pages: Uint32Array[];
  private freeHead = 0; // 0 = no free block (page 0 does not exist, so neither does block 0)
  private page = 0; // page of fresh blocks
  private off = 1 << PAGE_SHIFT;
  private inUse = 0;

  constructor(readonly pool: PagePool) {
    this.pages = pool.pages;
  }

  alloc(): number {
    let b = this.freeHead;
    if (b !== 0) {
      const w = b * BLOCK_WORDS;
      const page = this.pages[w >>> PAGE_SHIFT]!;
      const off = w & PAGE_MASK;
      this.freeHead = page[off + DATA_WORDS]!;
      page.fill(0, off, off + BLOCK_WORDS);
    } else {
      if (this.off === 1 << PAGE_SHIFT) {
        this.page = this.pool.alloc();
        this.off = 0;
      }
      b = (this.page * (1 << PAGE_SHIFT) + this.off) / BLOCK_WORDS;
      this.off += BLOCK_WORDS;
    }
    this.inUse++;
    return b;
  }

  /** Frees a chain of blocks linked through their last word; returns how many. */
  freeChain(first: number): number {
    let n = 0;
    let b = first;
    while (b !== 0) {
      const w = b * BLOCK_WORDS + DATA_WORDS;
      const page = this.pages[w >>> PAGE_SHIFT]!;
      const next = page[w & PAGE_MASK]!;
      page[w & PAGE_MASK] = this.freeHead;
      this.freeHead = b;
      b = next;
      n++;
    }
    this.inUse -= n;
    return n;
  }

  get blocksInUse(): number {
    return this.inUse;
  }
}

/** Calls `fn` with each used word address of a block chain, from `first` to `lastWord`. */
export function forEachChainWord(
  pages: Uint32Array[],
  first: number,
  lastWord: number,
  fn: (w: number) => void,
): void {
  let w = first * BLOCK_WORDS;
  for (;;) {
    fn(w);
    if (w === lastWord) return;
    w =
      (w & (BLOCK_WORDS - 1)) === DATA_WORDS - 1
        ? pages[(w + 1) >>> PAGE_SHIFT]![(w + 1) & PAGE_MASK]! * BLOCK_WORDS
        : w + 1;
  }
}

/**
 * Writes bits MSB-first into a series' block chain. Loaded with one series' position, used,
 * then the position is stored back: one instance serves every series without allocating.
 */
export class BitWriter {
  wpos = 0; // global word index of the current word
  used = 0; // bits already used in it (0..32)
  private page: Uint32Array = new Uint32Array(0);
  private off = 0;

  constructor(private readonly arena: BlockArena) {}

  load(wpos: number, used: number): void {
    this.wpos = wpos;
    this.used = used;
    this.page = this.arena.pages[wpos >>> PAGE_SHIFT]!;
    this.off = wpos & PAGE_MASK;
  }

  /** Appends the low `n` bits of `v` (1 <= n <= 32, v < 2^n). */
  write(v: number, n: number): void {
    if (this.used === 32) this.advance();
    const free = 32 - this.used;
    if (n <= free) {
      this.page[this.off] = this.page[this.off]! | (v << (free - n));
      this.used += n;
      return;
    }
    const rest = n - free;
    this.page[this.off] = this.page[this.off]! | (v >>> rest);
    this.advance();
    this.page[this.off] = v << (32 - rest);
    this.used = rest;
  }

  /** Appends `n` bits (1..64) of the 64-bit value hi:lo shifted right by `shift`. */
  writeWide(hi: number, lo: number, shift: number, n: number): void {
    if (shift >= 32) {
      lo = hi >>> (shift - 32);
      hi = 0;
    } else if (shift > 0) {
      lo = (lo >>> shift) | (hi << (32 - shift));
      hi = hi >>> shift;
    }
    if (n > 32) {
      this.write(hi & (0xffffffff >>> (64 - n)), n - 32);
      this.write(lo >>> 0, 32);
    } else {
      this.write(n === 32 ? lo >>> 0 : lo & ((1 << n) - 1), n);
    }
  }

  private advance(): void {
    if ((this.wpos & (BLOCK_WORDS - 1)) === DATA_WORDS - 1) {
      const b = this.arena.alloc();
      this.page[this.off + 1] = b; // link word of the full block
      this.load(b * BLOCK_WORDS, 0);
    } else {
      this.wpos++;
      this.off++;
      this.used = 0;
    }
  }
}

/** Reads what BitWriter wrote, following block links, or from a sealed contiguous chunk. */
export class BitReader {
  private page: Uint32Array = new Uint32Array(0);
  private off = 0;
  private wpos = 0;
  private used = 0;
  private sealed = false;

  constructor(private readonly arena: BlockArena) {}

  start(block: number): void {
    this.sealed = false;
    this.seek(block * BLOCK_WORDS);
  }

  startSealed(address: number): void {
    this.sealed = true;
    this.seek(address);
  }

  private seek(wpos: number): void {
    this.wpos = wpos;
    this.used = 0;
    this.page = this.arena.pages[wpos >>> PAGE_SHIFT]!;
    this.off = wpos & PAGE_MASK;
  }

  /** Reads `n` bits (1..32) as an unsigned number. */
  read(n: number): number {
    if (this.used === 32) this.advance();
    const avail = 32 - this.used;
    const w = this.page[this.off]!;
    if (n <= avail) {
      const r = ((w << this.used) >>> (32 - n)) >>> 0;
      this.used += n;
      return r;
    }
    const rest = n - avail;
    const high = (w << this.used) >>> this.used;
    this.advance();
    const low = this.page[this.off]! >>> (32 - rest);
    this.used = rest;
    return high * 2 ** rest + low;
  }

  private advance(): void {
    if (!this.sealed && (this.wpos & (BLOCK_WORDS - 1)) === DATA_WORDS - 1) {
      this.seek(this.page[this.off + 1]! * BLOCK_WORDS);
    } else {
      this.wpos++;
      this.off++;
      this.used = 0;
    }
  }
}
