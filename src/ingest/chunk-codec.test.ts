import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkCodec, PointBuffer, scaleOf } from "./chunk-codec.js";

// Values are compared as bit patterns read from the typed arrays (a JS array would quiet NaNs).
function roundTrip(ts: number[], vs: ArrayLike<number>): { ts: number[]; bits: string[] } {
  const c = new ChunkCodec();
  c.grow(4);
  const block = c.startChunk(1, ts[0]!, vs[0]!);
  for (let i = 1; i < ts.length; i++) expect(c.append(1, ts[i]!, vs[i]!)).toBe(true);
  const out = new PointBuffer();
  c.decode(block, ts[0]!, ts.length, -Infinity, Infinity, out);
  const view = new DataView(out.values.buffer);
  const bits = Array.from({ length: out.length }, (_, i) =>
    view.getBigUint64(i * 8, true).toString(16),
  );
  return { ts: [...out.ts.subarray(0, out.length)], bits };
}

/** Writes a chunk, seals it, decodes the sealed chunk; also how many words it took. */
function sealRoundTrip(
  ts: number[],
  vs: ArrayLike<number>,
  from = -Infinity,
  to = Infinity,
): {
  ts: number[];
  bits: string[];
  ref: number;
  words: number;
  streamWords: number;
  packed: boolean;
} {
  const c = new ChunkCodec();
  c.grow(4);
  const block = c.startChunk(1, ts[0]!, vs[0]!);
  for (let i = 1; i < ts.length; i++) expect(c.append(1, ts[i]!, vs[i]!)).toBe(true);
  const streamBits = c.arena.blocksInUse * 7 * 32;
  const ref = c.seal(1, block, 0, ts[0]!, ts.length);
  const out = new PointBuffer();
  c.decode(ref, ts[0]!, ts.length, from, to, out);
  const view = new DataView(out.values.buffer);
  const bits = Array.from({ length: out.length }, (_, i) =>
    view.getBigUint64(i * 8, true).toString(16),
  );
  return {
    ts: [...out.ts.subarray(0, out.length)],
    bits,
    ref,
    words: c.sealed.wordsInUse,
    streamWords: Math.ceil(streamBits / 32), // blocks' data words: an upper bound
    packed: ref < 0 && c.pool.pages[(-ref - 1) >>> 16]![(-ref - 1) & 0xffff] === 0xfff7c0de,
  };
}

/** Timestamps from `start` by the steps' gaps, with the steps' values. */
function timeline(start: number, steps: [number, number][]): { ts: number[]; vs: number[] } {
  let t = start;
  return { ts: steps.map(([dt]) => (t += dt)), vs: steps.map(([, v]) => v) };
}

const bitsOf = (v: number): string => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
};

const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE),
  fc.integer({ min: -1e12, max: 1e12 }).map((i) => i / 100),
  fc.integer({ min: 0, max: 2 ** 53 }),
  fc.integer({ min: -1e6, max: 1e9 }).map((i) => i * 1024),
);

describe(ChunkCodec.name, () => {
  it("decodes increasing timestamps and arbitrary doubles bit-exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 30 - 1 }), anyDouble), {
          minLength: 1,
          maxLength: 300,
        }),
        (start, steps) => {
          const { ts, vs } = timeline(start, steps);
          const out = roundTrip(ts, vs);
          expect(out.ts).toEqual(ts);
          expect(out.bits).toEqual(vs.map(bitsOf));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decodes random walks of short decimals and kB multiples exactly, open and sealed", () => {
    const walk = fc.tuple(
      fc.constantFrom(1, 100, 1000, 1024, 4096, 0.001),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.array(
        fc.oneof(
          fc.integer({ min: -3000, max: 3000 }),
          fc.integer({ min: -(2 ** 35), max: 2 ** 35 }),
          fc.constant(0),
        ),
        { minLength: 1, maxLength: 400 },
      ),
    );
    fc.assert(
      fc.property(walk, ([unit, start, steps]) => {
        const vs = [start * unit];
        for (const d of steps) vs.push(Math.round((vs[vs.length - 1]! + d * unit) * 1000) / 1000);
        const ts = vs.map((_, i) => 1_700_000_000_000 + i * 10_000 + (i % 7 === 3 ? 17 : 0));
        for (const out of [
          roundTrip(ts, Float64Array.from(vs)),
          sealRoundTrip(ts, Float64Array.from(vs)),
        ]) {
          expect(out.ts).toEqual(ts);
          expect(out.bits).toEqual(vs.map(bitsOf));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the bit pattern of a Prometheus stale marker NaN", () => {
    const stale = new DataView(new ArrayBuffer(8));
    stale.setBigUint64(0, 0x7ff0000000000002n);
    const vs = new Float64Array([1, 0, 2]);
    vs[1] = stale.getFloat64(0); // a JS array literal would already quiet it
    expect(roundTrip([1000, 2000, 3000], vs).bits[1]).toBe("7ff0000000000002");
  });

  it("stores a regular counter in a few bits a sample", () => {
    const c = new ChunkCodec();
    c.grow(2);
    const block = c.startChunk(0, 0, 100.25);
    const before = c.arena.blocksInUse;
    for (let i = 1; i < 120; i++) c.append(0, i * 10_000, 100.25 + i * 9.5 + (i % 3) * 0.01);
    // 119 samples, ~12 bits each, fit in 6 blocks of 28 data bytes.
    expect(c.arena.blocksInUse - before).toBeLessThanOrEqual(6);
    const out = new PointBuffer();
    c.decode(block, 0, 120, 0, Infinity, out);
    expect(out.values[119]).toBe(100.25 + 119 * 9.5 + (119 % 3) * 0.01);
  });

  it("seals any chunk so that it decodes bit-exactly, in no more words than it streamed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.array(
          fc.tuple(
            fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 2 ** 30 - 1 })),
            fc.oneof(
              anyDouble,
              fc.integer({ min: -50, max: 50 }).map((i) => 1e6 + i * 0.25),
            ),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (start, steps) => {
          const { ts, vs } = timeline(start, steps);
          const out = sealRoundTrip(ts, vs);
          expect(out.ts).toEqual(ts);
          expect(out.bits).toEqual(vs.map(bitsOf));
          if (out.ref < 0) expect(out.words).toBeLessThanOrEqual(out.streamWords);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("seals decimal walks whose steps and timestamp jitter reach every bucket, exactly", () => {
    const step = fc.oneof(
      fc.integer({ min: -40, max: 40 }),
      fc.integer({ min: -1500, max: 1500 }),
      fc.integer({ min: -40_000, max: 40_000 }),
      fc.integer({ min: -(2 ** 21), max: 2 ** 21 }),
      fc.integer({ min: -(2 ** 29), max: 2 ** 29 }),
    );
    const dt = fc.oneof(
      fc.constant(10_000),
      fc.integer({ min: 9_950, max: 10_050 }),
      fc.integer({ min: 9_500, max: 10_500 }),
      fc.integer({ min: 1, max: 40_000 }),
      fc.integer({ min: 1, max: 2 ** 29 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(1, 100, 1024 * 100),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.array(fc.tuple(dt, step), { minLength: 1, maxLength: 200 }),
        (scale, start, steps) => {
          const ts = [1_700_000_000_000];
          const ms = [start];
          for (const [d, e] of steps) {
            ts.push(ts[ts.length - 1]! + d);
            ms.push(ms[ms.length - 1]! + e);
          }
          const vs = ms.map((m) => (scale === 100 ? m / 100 : m * scale));
          const out = sealRoundTrip(ts, Float64Array.from(vs));
          expect(out.ts).toEqual(ts);
          expect(out.bits).toEqual(vs.map(bitsOf));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("packs a sealed counter, gauge or constant into fixed-width deltas when that is smaller", () => {
    const ts = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + i * 10_000);
    const rnd = (i: number) => ((i * 7919) % 61) / 61; // deterministic, spread over [0, 1)
    let cpu = 12_345.67;
    const counter = ts.map((_, i) => (cpu = Math.round((cpu + 9.2 + rnd(i) * 0.6) * 100) / 100));
    let kb = 4_000_000 * 1024;
    const gauge = ts.map((_, i) => (kb += Math.round((rnd(i) - 0.5) * 2000) * 1024));
    const constant = ts.map(() => 6_553_600);
    for (const vs of [counter, gauge, constant]) {
      const out = sealRoundTrip(ts, vs);
      expect(out.bits).toEqual(vs.map(bitsOf));
      expect(out.packed).toBe(true);
      expect(out.words).toBeLessThan(out.streamWords * 0.7);
    }
    // The header: marker 32 bits, widths, then bases and the first value, each as wide as it
    // needs: a 14-bit timestamp base (10,000 ms), the first scaled value, the value base.
    const header = (firstValueBits: number, valueBaseBits: number) =>
      32 + 5 + 14 + 3 + 5 + 7 + firstValueBits + 7 + valueBaseBits + 5 + 6;
    // 1,235,5xx hundredths (21 bits), then 119 increments from 920 (10 bits) within 61: 6 bits.
    expect(sealRoundTrip(ts, counter).words).toBe(Math.ceil((header(21, 10) + 119 * 6) / 32));
    // Regular timestamps and one value (6,553,600: 23 bits): the header alone.
    expect(sealRoundTrip(ts, constant).words).toBe(Math.ceil(header(23, 0) / 32));
    // Jittered timestamps cost their jitter's width.
    const jittered = ts.map((t, i) => t + (i % 5));
    const out = sealRoundTrip(jittered, constant);
    expect(out.ts).toEqual(jittered);
    expect(out.words).toBe(Math.ceil((header(23, 0) + 119 * 3) / 32));
  });

  it("packs a chunk whose decimal scale grows mid-chunk, and not one with a later non-decimal", () => {
    const ts = Array.from({ length: 120 }, (_, i) => 1_000_000 + i * 10_000 + (i === 50 ? 7 : 0));
    // 12345.5, 12346.5, … then hundredths from sample 60: the stream's XOR branch, one scale more.
    const growing = ts.map((_, i) => 12_345.5 + i + (i >= 60 ? (i % 4) * 0.01 : 0));
    const g = sealRoundTrip(ts, growing);
    expect(g.bits).toEqual(growing.map(bitsOf));
    expect(g.packed).toBe(true);
    const spoilt = growing.map((v, i) => (i === 90 ? Math.PI : v));
    const sp = sealRoundTrip(ts, spoilt);
    expect(sp.bits).toEqual(spoilt.map(bitsOf));
    expect(sp.ts).toEqual(ts);
    expect(sp.packed).toBe(false);
  });

  it("keeps the streaming form when packing would not be smaller or exact", () => {
    const ts = Array.from({ length: 120 }, (_, i) => i * 10_000);
    // A counter reset makes one delta as wide as the counter: streaming is smaller.
    const reset = ts.map((_, i) => (i < 60 ? 1e10 + i * 1e5 : i * 1e5));
    const r1 = sealRoundTrip(ts, reset);
    expect(r1.bits).toEqual(reset.map(bitsOf));
    expect(r1.ref).toBeLessThan(0);
    expect(r1.packed).toBe(false);
    expect(r1.words).toBeLessThanOrEqual(r1.streamWords);
    // Not short decimals (and a -0): never packed, still exact.
    const odd = ts.map((_, i) => (i === 3 ? -0 : Math.sqrt(i + 2)));
    const r2 = sealRoundTrip(ts, odd);
    expect(r2.bits).toEqual(odd.map(bitsOf));
    expect(r2.ref).toBeLessThan(0);
    expect(r2.packed).toBe(false);
  });

  it("packs first values and bases beyond 32 bits, and falling series", () => {
    const ts = Array.from({ length: 120 }, (_, i) => i * 10_000);
    for (const vs of [
      ts.map((_, i) => 2 ** 52 - 1 - i * 3), // a 52-bit counter falling by 3
      ts.map((_, i) => -(2 ** 40) + (i % 7) * 0.5), // negative, wider than 32 bits
      ts.map((_, i) => 1e15 + i * 2 ** 20), // multiples of 2^20
    ]) {
      const out = sealRoundTrip(ts, vs);
      expect(out.packed).toBe(true);
      expect(out.bits).toEqual(vs.map(bitsOf));
    }
  });

  it("reads only the asked range of a packed chunk", () => {
    const ts = Array.from({ length: 120 }, (_, i) => 1_000_000 + i * 10_000);
    const vs = ts.map((_, i) => 50 + (i % 10) * 0.5);
    const out = sealRoundTrip(ts, vs, 1_000_000 + 30 * 10_000, 1_000_000 + 39 * 10_000 + 5);
    expect(out.packed).toBe(true);
    expect(out.ts).toEqual(ts.slice(30, 40));
    expect(out.bits).toEqual(vs.slice(30, 40).map(bitsOf));
  });

  it("does not seal a streaming chunk that starts with the packed marker's bits", () => {
    const marker = new DataView(new ArrayBuffer(8));
    marker.setBigUint64(0, 0xfff7c0de00000001n);
    const vs = new Float64Array([0, 1, 2]);
    vs[0] = marker.getFloat64(0);
    const out = sealRoundTrip([1000, 2000, 3000], vs);
    expect(out.ref).toBeGreaterThan(0); // left open: sealed, it would read as packed
    expect(out.bits).toEqual(["fff7c0de00000001", bitsOf(1), bitsOf(2)]);
  });

  it("finds the decimal scale of a value", () => {
    expect([0, 12, 12345.67, 0.001, -0, NaN, Infinity, 0.1 + 0.2].map(scaleOf)).toEqual([
      0, 0, 2, 3, -1, -1, -1, -1,
    ]);
  });
});
