import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  firingState,
  newThresholdState,
  stepThreshold,
  type Action,
  type ThresholdParams,
} from "./threshold-state.js";

const CPU: ThresholdParams = {
  op: ">",
  threshold: 0.9,
  recoveryThreshold: 0.8,
  forMs: 300_000,
  recoveryForMs: 60_000,
  repeatEveryMs: 60_000,
};
const S = 1000;

/** Feeds [seconds, value] samples and returns the non-"none" actions as `t:action`. */
function run(p: ThresholdParams, samples: [number, number][], state = newThresholdState()) {
  const out: string[] = [];
  for (const [t, v] of samples) {
    const a = stepThreshold(p, state, t * S, v);
    if (a !== "none") out.push(`${t}:${a}`);
  }
  return { out, state };
}

describe(stepThreshold.name, () => {
  const cases: {
    name: string;
    p?: Partial<ThresholdParams>;
    samples: [number, number][];
    want: string[];
  }[] = [
    {
      name: "stays quiet below the threshold",
      samples: [
        [0, 0.5],
        [600, 0.89],
      ],
      want: [],
    },
    {
      name: "fires once the breach has held for `for`",
      samples: [
        [0, 0.95],
        [299, 0.95],
        [300, 0.95],
      ],
      want: ["300:fire"],
    },
    {
      name: "a dip below the threshold restarts `for`",
      samples: [
        [0, 0.95],
        [200, 0.5],
        [300, 0.95],
        [599, 0.95],
        [600, 0.95],
      ],
      want: ["600:fire"],
    },
    { name: "fires at once with for = 0", p: { forMs: 0 }, samples: [[5, 0.91]], want: ["5:fire"] },
    {
      name: "a value exactly on a `>` threshold does not breach",
      p: { forMs: 0 },
      samples: [[0, 0.9]],
      want: [],
    },
    {
      name: "`>=` breaches on equality",
      p: { op: ">=", forMs: 0 },
      samples: [[0, 0.9]],
      want: ["0:fire"],
    },
    {
      name: "repeats while breaching, at most once a minute",
      p: { forMs: 0 },
      samples: [
        [0, 1],
        [10, 1],
        [59, 1],
        [60, 1],
        [90, 1],
        [120, 1],
      ],
      want: ["0:fire", "60:repeat", "120:repeat"],
    },
    {
      name: "inside the hysteresis band it neither clears nor repeats",
      p: { forMs: 0 },
      samples: [
        [0, 1],
        [60, 0.85],
        [120, 0.85],
      ],
      want: ["0:fire"],
    },
    {
      name: "clears after staying recovered for recoveryFor",
      p: { forMs: 0 },
      samples: [
        [0, 1],
        [10, 0.5],
        [69, 0.5],
        [70, 0.5],
      ],
      want: ["0:fire", "70:clear"],
    },
    {
      name: "a relapse during recovery is the same excursion",
      p: { forMs: 0 },
      samples: [
        [0, 1],
        [10, 0.5],
        [30, 0.95],
        [40, 0.5],
        [99, 0.5],
        [100, 0.5],
      ],
      want: ["0:fire", "100:clear"],
    },
    {
      name: "clears at once with recoveryFor = 0",
      p: { forMs: 0, recoveryForMs: 0 },
      samples: [
        [0, 1],
        [10, 0.79],
      ],
      want: ["0:fire", "10:clear"],
    },
    {
      name: "`<` rules recover above the recovery threshold",
      p: { op: "<", threshold: 0.1, recoveryThreshold: 0.15, forMs: 0, recoveryForMs: 0 },
      samples: [
        [0, 0.05],
        [10, 0.12],
        [20, 0.16],
      ],
      want: ["0:fire", "20:clear"],
    },
    {
      name: "`==` fires on equality and clears on any other value",
      p: { op: "==", threshold: 0, recoveryThreshold: 0, forMs: 0, recoveryForMs: 0 },
      samples: [
        [0, 0],
        [10, 1],
      ],
      want: ["0:fire", "10:clear"],
    },
    {
      name: "`!=` ignores NaN",
      p: { op: "!=", threshold: 1, recoveryThreshold: 1, forMs: 0 },
      samples: [
        [0, NaN],
        [10, 2],
      ],
      want: ["10:fire"],
    },
    {
      name: "NaN neither breaches nor recovers",
      p: { forMs: 0, recoveryForMs: 0 },
      samples: [
        [0, NaN],
        [10, 1],
        [20, NaN],
      ],
      want: ["10:fire"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(run({ ...CPU, ...c.p }, c.samples).out).toEqual(c.want);
    });
  }

  it("a key restored as firing repeats on a breach and clears on recovery", () => {
    const { out } = run(
      { ...CPU, recoveryForMs: 0 },
      [
        [100, 1],
        [200, 0.1],
      ],
      firingState(0),
    );
    expect(out).toEqual(["100:repeat", "200:clear"]);
  });
});

describe("flapping around the threshold (no incident storm)", () => {
  const params = fc.record({
    forMs: fc.integer({ min: 0, max: 600_000 }),
    recoveryForMs: fc.integer({ min: 0, max: 600_000 }),
  });

  it("never fires more than once per excursion past the recovery threshold", () => {
    // Values anywhere; an excursion ends only with a clear, and every clear needs the
    // value past the recovery threshold, so fires and clears strictly alternate.
    fc.assert(
      fc.property(
        params,
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 120_000 }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          { maxLength: 300 },
        ),
        (pp, steps) => {
          const p = { ...CPU, ...pp };
          const s = newThresholdState();
          let t = 0;
          let open = false;
          for (const [dt, v] of steps) {
            t += dt;
            const a: Action = stepThreshold(p, s, t, v);
            if (a === "fire") {
              expect(open).toBe(false);
              open = true;
            } else if (a === "clear") {
              expect(open).toBe(true);
              expect(v).toBeLessThan(p.recoveryThreshold);
              open = false;
            } else if (a === "repeat") expect(open).toBe(true);
          }
        },
      ),
    );
  });

  it("a series flapping between breach and the hysteresis band fires exactly once", () => {
    fc.assert(
      fc.property(
        params,
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 60_000 }),
            fc.oneof(
              fc.double({ min: 0.9001, max: 1, noNaN: true }),
              fc.double({ min: 0.8, max: 0.9, noNaN: true }),
            ),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (pp, steps) => {
          const p = { ...CPU, ...pp, forMs: 0 };
          const s = newThresholdState();
          const actions: Action[] = [stepThreshold(p, s, 0, 0.95)];
          let t = 0;
          for (const [dt, v] of steps) actions.push(stepThreshold(p, s, (t += dt), v));
          expect(actions.filter((a) => a === "fire")).toHaveLength(1);
          expect(actions).not.toContain("clear");
        },
      ),
    );
  });
});
