import { describe, expect, it } from "vitest";
import { abortableSleep, backoffDelayMs, parseRetryAfterMs } from "../src/backoff.js";

describe(backoffDelayMs.name, () => {
  const policy = { baseMs: 1_000, maxMs: 300_000 };
  it.each([
    [0, 0.999, 999],
    [3, 0.5, 4_000],
    [8, 0.5, 128_000],
    [9, 0.5, 150_000], // 512 s ceiling capped at 300 s
    [500, 0.5, 150_000],
    [4, 0, 0],
  ])("attempt %i with random %f waits %i ms", (attempt, r, want) => {
    expect(backoffDelayMs(attempt, policy, () => r)).toBe(want);
  });
});

describe(parseRetryAfterMs.name, () => {
  const now = Date.UTC(2025, 0, 15, 3, 0, 0);
  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Wed, 15 Jan 2025 03:00:45 GMT", 45_000],
    ["Wed, 15 Jan 2025 02:59:00 GMT", 0], // a date in the past means "now"
    ["soon", null],
    ["-5", null],
    [undefined, null],
  ])("%s → %s", (value, want) => {
    expect(parseRetryAfterMs(value, now)).toBe(want);
  });
});

describe(abortableSleep.name, () => {
  it("returns early when aborted", async () => {
    const ac = new AbortController();
    const started = Date.now();
    const slept = abortableSleep(10_000, ac.signal);
    ac.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
