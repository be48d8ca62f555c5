import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCeilingMs, nextAttemptAtMs, retryDelayMs } from "./backoff.js";

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

describe(nextAttemptAtMs.name, () => {
  const HOUR = 3_600_000;
  it("keeps retrying until the time budget is spent, never past it, however many attempts", () => {
    expect(nextAttemptAtMs(0, 30_000, HOUR, 500, 0.5, policy)).toBe(60_000);
    expect(nextAttemptAtMs(0, HOUR - 10_000, HOUR, 3, 0.999, policy)).toBe(HOUR - 10_000 + 3_996);
    expect(nextAttemptAtMs(0, HOUR - 1_000, HOUR, 50, 0.999, policy)).toBe(HOUR); // last try at the deadline
    expect(nextAttemptAtMs(0, HOUR, HOUR, 1, 0, policy)).toBeNull();
  });

  it("an outage of 75 s never exhausts a message with a budget of hours", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.9999999, noNaN: true }), { maxLength: 200 }),
        (draws) => {
          let now = 0;
          for (let i = 0; i < draws.length && now < 75_000; i++) {
            const next = nextAttemptAtMs(0, now, 24 * HOUR, i + 1, draws[i]!);
            if (next === null) return false;
            now = next;
          }
          return true;
        },
      ),
    );
  });
});
