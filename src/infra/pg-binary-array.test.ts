import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinaryArray } from "./pg-binary-array.js";

/** Reads the buffer back the way PostgreSQL's array_recv does, for one dimension. */
function read(b: Buffer): { oid: number; values: number[] } {
  expect(b.readInt32BE(0)).toBe(1); // ndim
  expect(b.readInt32BE(4)).toBe(0); // no NULLs
  const oid = b.readUInt32BE(8);
  const n = b.readInt32BE(12);
  expect(b.readInt32BE(16)).toBe(1); // lower bound
  const values: number[] = [];
  let at = 20;
  for (let i = 0; i < n; i++) {
    const len = b.readInt32BE(at);
    at += 4;
    if (oid === 701) values.push(b.readDoubleBE(at));
    else if (oid === 20) values.push(Number(b.readBigInt64BE(at)));
    else values.push(b.readInt32BE(at));
    expect(len).toBe(oid === 23 ? 4 : 8);
    at += len;
  }
  expect(at).toBe(b.length);
  return { oid, values };
}

const fill = (type: "int4" | "int8" | "float8", xs: number[]) => {
  const a = new BinaryArray(type, xs.length);
  for (const x of xs) a.add(x);
  return read(a.done());
};

describe(BinaryArray.name, () => {
  it("writes doubles with their own bits, -0, NaN and the extremes included", () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (xs) => {
        const { oid, values } = fill("float8", xs);
        expect(oid).toBe(701);
        expect(values.every((v, i) => Object.is(v, xs[i]))).toBe(true);
      }),
    );
  });

  it("writes every safe integer as int8, negative ones in two's complement", () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger()), (xs) => {
        expect(fill("int8", xs)).toEqual({ oid: 20, values: xs });
      }),
    );
    expect(fill("int8", [-1, 2 ** 32, -(2 ** 32) - 1]).values).toEqual([
      -1,
      2 ** 32,
      -(2 ** 32) - 1,
    ]);
  });

  it("writes int4", () => {
    expect(fill("int4", [0, -1, 2 ** 31 - 1, -(2 ** 31)])).toEqual({
      oid: 23,
      values: [0, -1, 2 ** 31 - 1, -(2 ** 31)],
    });
  });

  it("refuses a value its type cannot hold, an element too many and one too few", () => {
    expect(() => new BinaryArray("int8", 1).add(1.5)).toThrow(/int8 element 1.5/);
    expect(() => new BinaryArray("int8", 1).add(2 ** 53)).toThrow(/not a safe integer/);
    expect(() => new BinaryArray("int4", 1).add(2 ** 31)).toThrow(/int4 element/);
    // Bad data, as PostgreSQL would call it: the rollup writer drops such a row alone.
    expect(() => new BinaryArray("int8", 1).add(NaN)).toThrow(
      expect.objectContaining({ code: "22003" }),
    );
    const a = new BinaryArray("float8", 1);
    a.add(1);
    expect(() => a.add(2)).toThrow(/holds 1 elements/);
    const b = new BinaryArray("float8", 2);
    b.add(1);
    expect(() => b.done()).toThrow(/has 1 of 2 elements/);
  });

  it("writes into a caller's buffer when it is large enough, and only as far as it needs", () => {
    const storage = Buffer.alloc(BinaryArray.byteLength("float8", 4), 0xee);
    const a = new BinaryArray("float8", 2, storage);
    a.add(1.5);
    a.add(-0);
    const sent = a.done();
    expect(sent.buffer).toBe(storage.buffer);
    expect(sent.length).toBe(BinaryArray.byteLength("float8", 2));
    expect(read(sent).values).toEqual([1.5, -0]);
    expect(storage[sent.length]).toBe(0xee);
    const small = new BinaryArray("float8", 5, storage);
    expect(small.bytes.buffer).not.toBe(storage.buffer);
  });
});
