import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCeilingMs, isExhausted, retryDelayMs } from "./backoff.js";

const policy = { baseMs: 1_000, capMs: 60_000 };

describe(retryDelayMs.name, () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [100, 60_000],
  ])("caps the delay after attempt %i at %i ms", (attempt, ceiling) => {
    expect(backoffCeilingMs(attempt, policy)).toBe(ceiling);
    expect(retryDelayMs(attempt, 0.999999, policy)).toBeLessThan(ceiling);
    expect(retryDelayMs(attempt, 0, policy)).toBe(0);
  });

  it("always stays within [0, ceiling) for any attempt and random draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (n, r) => {
          const d = retryDelayMs(n, r, policy);
          return Number.isInteger(d) && d >= 0 && d < Math.max(1, backoffCeilingMs(n, policy));
        },
      ),
    );
  });

  it("spreads retries: the ceiling grows with every attempt until the cap", () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((n) => backoffCeilingMs(n, policy));
    expect([...ceilings].sort((a, b) => a - b)).toEqual(ceilings);
    expect(new Set(ceilings).size).toBe(6);
  });
});

describe(isExhausted.name, () => {
  it("gives up exactly at the maximum", () => {
    expect(isExhausted(4, 5)).toBe(false);
    expect(isExhausted(5, 5)).toBe(true);
  });
});
