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
          const ts: number[] = [];
          const vs: number[] = [];
          let t = start;
          for (const [dt, v] of steps) {
            ts.push((t += dt));
            vs.push(v);
          }
          const out = roundTrip(ts, vs);
          expect(out.ts).toEqual(ts);
          expect(out.bits).toEqual(vs.map(bitsOf));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decodes random walks of short decimals and kB multiples exactly (the delta branches)", () => {
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
        const out = roundTrip(ts, Float64Array.from(vs));
        expect(out.ts).toEqual(ts);
        expect(out.bits).toEqual(vs.map(bitsOf));
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

  it("finds the decimal scale of a value", () => {
    expect([0, 12, 12345.67, 0.001, -0, NaN, Infinity, 0.1 + 0.2].map(scaleOf)).toEqual([
      0, 0, 2, 3, -1, -1, -1, -1,
    ]);
  });
});
