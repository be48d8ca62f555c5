import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AggregateGroup, groupKeyOf } from "./aggregate.js";
import { CounterWindow } from "./counter-window.js";

// A counter's life: each step grows it by `inc`, or (reset) restarts it at `inc`.
const Steps = fc.array(
  fc.record({
    inc: fc.integer({ min: 0, max: 1_000 }),
    reset: fc.boolean(),
    gapS: fc.integer({ min: 1, max: 60 }),
  }),
  { minLength: 1, maxLength: 80 },
);

function replay(steps: { inc: number; reset: boolean; gapS: number }[]) {
  const samples: { ts: number; raw: number; growth: number }[] = [];
  let raw = 0;
  let ts = 1_000_000;
  samples.push({ ts, raw, growth: 0 });
  for (const s of steps) {
    ts += s.gapS * 1000;
    // A restart is only visible when the counter ends below where it was.
    const reset = s.reset && s.inc < raw;
    raw = reset ? s.inc : raw + s.inc;
    samples.push({ ts, raw, growth: s.inc });
  }
  return samples;
}

describe(CounterWindow.name, () => {
  it("increase over a window holding every sample is the counter's growth, resets included", () => {
    fc.assert(
      fc.property(Steps, (steps) => {
        const w = new CounterWindow(1e12);
        let last = NaN;
        for (const s of replay(steps)) last = w.push("increase", s.ts, s.raw);
        expect(last).toBe(steps.reduce((a, s) => a + s.inc, 0));
      }),
    );
  });

  it("rate is never negative and equals increase per second of the samples in the window", () => {
    fc.assert(
      fc.property(Steps, fc.integer({ min: 1, max: 600 }), (steps, windowS) => {
        const samples = replay(steps);
        const w = new CounterWindow(windowS * 1000);
        for (const s of samples) {
          const rate = w.push("rate", s.ts, s.raw);
          const inWindow = samples.filter((x) => x.ts >= s.ts - windowS * 1000 && x.ts <= s.ts);
          if (inWindow.length < 2) {
            expect(rate).toBeNaN();
            continue;
          }
          const growth = inWindow.slice(1).reduce((a, x) => a + x.growth, 0);
          const dtS = (s.ts - inWindow[0]!.ts) / 1000;
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeCloseTo(growth / dtS, 9);
          expect(w.value("increase")).toBe(growth);
        }
      }),
    );
  });

  it("ignores a stale marker (NaN) without disturbing the window", () => {
    const w = new CounterWindow(60_000);
    w.push("rate", 0, 10);
    expect(w.push("rate", 10_000, NaN)).toBeNaN();
    expect(w.push("rate", 20_000, 30)).toBe(1);
  });
});

describe(AggregateGroup.name, () => {
  it.each([
    ["sum", 6],
    ["avg", 2],
    ["max", 3],
    ["min", 1],
  ] as const)("%s of the members with data", (fn, want) => {
    const g = new AggregateGroup(fn, 60_000);
    const [a, b, c, d] = [g.join(), g.join(), g.join(), g.join()];
    g.update(a, 0, 1);
    g.update(b, 0, 2);
    g.update(d, 0, NaN); // no value yet: not counted
    expect(g.update(c, 0, 3)).toBe(want);
  });

  it("drops a member not updated within staleMs of the newest update", () => {
    const g = new AggregateGroup("avg", 60_000);
    const [a, b] = [g.join(), g.join()];
    g.update(a, 0, 10);
    expect(g.update(b, 30_000, 20)).toBe(15);
    expect(g.update(b, 61_000, 20)).toBe(20);
  });

  it("is NaN with no member", () => {
    expect(new AggregateGroup("max", 1).value(0)).toBeNaN();
  });
});

describe(groupKeyOf.name, () => {
  it("keeps the by labels present, in the order given", () => {
    expect(groupKeyOf({ a: "1", b: "2", c: "3" }, ["a", "c"])).toBe("a=1,c=3");
    expect(groupKeyOf({ a: "1" }, ["b"])).toBe("");
  });
});
