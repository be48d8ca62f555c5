import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hundredths, mulDivFloor, percentOfFloor, sumYen } from "./money.js";

describe(mulDivFloor.name, () => {
  it.each([
    [89_600, 2, 30, 5_973],
    [89_600, 300, 43_200, 622],
    [-7, 1, 2, -4],
    [7, -1, 2, -4],
    [-6, 1, 2, -3],
    [98_560, 145 * 45, 365_000, 1_761],
  ])("floor(%i × %i ÷ %i) = %i", (a, b, c, expected) => {
    expect(mulDivFloor(a, b, c)).toBe(expected);
  });

  it("stays exact where float arithmetic would not", () => {
    // 9,007,199,254,740,991 × 3 ÷ 3 overflows a double's integer range on the way.
    expect(mulDivFloor(Number.MAX_SAFE_INTEGER, 3, 3)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("agrees with exact rational flooring", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        (a, b, c) => {
          const q = BigInt(mulDivFloor(a, b, c));
          const num = BigInt(a) * BigInt(b);
          expect(q * BigInt(c) <= num && num < (q + 1n) * BigInt(c)).toBe(true);
        },
      ),
    );
  });

  it("rejects non-integers and division by zero", () => {
    expect(() => mulDivFloor(1.5, 1, 1)).toThrow(RangeError);
    expect(() => mulDivFloor(1, 1, 0)).toThrow(RangeError);
  });
});

describe(percentOfFloor.name, () => {
  it("takes a percent with up to two decimals exactly", () => {
    expect(percentOfFloor(83_627, 10)).toBe(8_362);
    expect(percentOfFloor(1_000, 8.25)).toBe(82);
    expect(hundredths(0.29)).toBe(29); // 0.29 × 100 is 28.999… in floating point
    expect(() => hundredths(10.125)).toThrow(RangeError);
  });
});

describe(sumYen.name, () => {
  it("sums integers and refuses to leave the safe range", () => {
    expect(sumYen([1, -2, 3])).toBe(2);
    expect(() => sumYen([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
