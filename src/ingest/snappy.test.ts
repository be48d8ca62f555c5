import fc from "fast-check";
import { compress } from "snappyjs";
import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import { SnappyDecoder, snappyDeclaredLength } from "./snappy.js";

const reasonOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof IngestError ? e.reason : `other: ${String(e)}`;
  }
  return "no error";
};

describe(SnappyDecoder.name, () => {
  it("decompresses what snappyjs compresses, byte for byte", () => {
    const dec = new SnappyDecoder(1 << 20);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          fc.string({ maxLength: 3000 }).map((s) => new TextEncoder().encode(s.repeat(3))),
        ),
        (input) => {
          expect(Buffer.from(dec.decompress(compress(input))).equals(Buffer.from(input))).toBe(
            true,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a declared length above the limit before allocating", () => {
    // Preamble says 2^31 bytes; the body is empty. Allocating first would take 2 GiB.
    const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect(snappyDeclaredLength(bomb).length).toBe(2 ** 31);
    expect(reasonOf(() => new SnappyDecoder(1 << 20).decompress(bomb))).toBe("payload_too_large");
  });

  it.each([
    ["an empty body", []],
    ["an unterminated preamble", [0x80, 0x80]],
    ["a literal running past the input", [10, 0x24, 1, 2]],
    ["a copy before the start of the output", [8, 0x01 | (0 << 2), 5]],
    ["a zero copy offset", [8, 0x0c, 1, 2, 3, 4, 0x01, 0]],
    ["output shorter than declared", [9, 0x0c, 1, 2, 3, 4]],
    ["output longer than declared", [3, 0x0c, 1, 2, 3, 4]],
    ["a truncated 2-byte copy", [8, 0x0c, 1, 2, 3, 4, 0x0e, 4]],
  ])("rejects %s as bad_snappy", (_, bytes) => {
    expect(reasonOf(() => new SnappyDecoder(1 << 20).decompress(new Uint8Array(bytes)))).toBe(
      "bad_snappy",
    );
  });

  it("expands an overlapping copy as a run", () => {
    // literal "ab", then copy len 6 offset 2 (tag kind 1: len-4=2 -> (2<<2)|1, offset byte 2)
    const out = new SnappyDecoder(64).decompress(
      new Uint8Array([8, 0x04, 97, 98, (2 << 2) | 1, 2]),
    );
    expect(out.toString("latin1")).toBe("abababab");
  });

  it("expands copies of every offset and length as a byte-by-byte copy would", () => {
    // Hand-built streams: one literal, then copies (kind 2: any length 1-64, offset < 2^16)
    // of offsets 1-20 and lengths 1-64, checked against the plain definition of a copy.
    const dec = new SnappyDecoder(1 << 20);
    const element = fc.record({
      offset: fc.integer({ min: 1, max: 20 }),
      len: fc.integer({ min: 1, max: 64 }),
    });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 60 }), fc.array(element), (lit, cs) => {
        const expected = [...lit];
        const body = [(lit.length - 1) << 2, ...lit];
        for (const { offset, len } of cs) {
          body.push(((len - 1) << 2) | 2, offset & 0xff, offset >> 8);
          for (let i = 0; i < len; i++) expected.push(expected[expected.length - offset]!);
        }
        const stream = new Uint8Array([...varint(expected.length), ...body]);
        expect([...dec.decompress(stream)]).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps every NaN bit pattern copied, signalling ones included, once the copy loop is optimised", () => {
    // Copies move 8 bytes as a float64: an engine that quietened a signalling NaN on the way
    // would turn Prometheus' stale marker (0x7ff0000000000002) into a plain NaN.
    const patterns: number[][] = [];
    for (const high of [0x7ff0, 0x7ff4, 0x7ff7, 0xfff0, 0xfff7, 0x7ff8, 0xffff])
      for (const low of [1, 2, 0xdead, 0xffffffff]) {
        const b = Buffer.alloc(8);
        b.writeUInt32LE(low, 0);
        b.writeUInt16LE(high, 6);
        patterns.push([...b]);
      }
    const unit: number[] = [];
    for (let shift = 0; shift < 8; shift++)
      for (const p of patterns) unit.push(...Array.from({ length: shift }, (_, k) => k), ...p);
    const raw = Buffer.from([...unit, ...unit, ...unit.slice(3), ...unit]);
    const compressed = compress(raw);
    const dec = new SnappyDecoder(1 << 20);
    // Enough rounds for the optimising compiler to take the copy loop over.
    for (let round = 0; round < 3000; round++)
      if (!dec.decompress(compressed).equals(raw)) expect.fail(`round ${round} changed bytes`);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}
