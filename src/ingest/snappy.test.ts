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
});
