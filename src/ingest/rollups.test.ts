import { describe, expect, it } from "vitest";
import { RollupBatch, Rollups, seedFromRollups, type RollupSeedTarget } from "./rollups.js";
import { ComponentState, Series } from "./series-store.js";

const T0 = 1_767_225_600_000;
const comp = new ComponentState("vm-1", 1, 200, undefined);

describe(Rollups.name, () => {
  it("aggregates min/max/sum/count/last per minute, skips NaN, and drains completed minutes", () => {
    const a = new Series(0, comp, { __name__: "a" });
    const b = new Series(1, comp, { __name__: "b" });
    const byId = [a, b];
    const r = new Rollups((id) => byId[id]);
    r.open(a);
    r.open(b);
    for (const [t, v] of [
      [0, 3],
      [10, -1],
      [20, NaN],
      [50, 7],
      [60, 2],
    ] as const)
      r.add(a, T0 + t * 1000, v);
    r.add(b, T0 + 5_000, 1);
    const rows = r.drain(T0 + 60_000).rows();
    expect(
      rows.map((x) => [
        x.labels.__name__,
        x.minuteStartMs - T0,
        x.min,
        x.max,
        x.sum,
        x.count,
        x.avg,
        x.last,
      ]),
    ).toEqual([
      ["a", 0, -1, 7, 9, 3, 3, 7],
      ["b", 0, 1, 1, 1, 1, 1, 1],
    ]);
    expect(r.drain(T0 + 60_000).rows()).toEqual([]);
    expect(
      r
        .drain(T0 + 120_000)
        .rows()
        .map((x) => [x.series, x.minuteStartMs - T0, x.count]),
    ).toEqual([[a, 60_000, 1]]);
  });

  it("keeps minutes at or after the drain point pending", () => {
    const a = new Series(0, comp, { __name__: "a" });
    const r = new Rollups(() => a);
    r.open(a);
    r.add(a, T0, 1);
    r.add(a, T0 + 60_000, 2);
    r.add(a, T0 + 120_000, 3); // completes minute 1
    expect(
      r
        .drain(T0 + 60_000)
        .rows()
        .map((x) => x.last),
    ).toEqual([1]);
    expect(
      r
        .drain(T0 + 180_000)
        .rows()
        .map((x) => x.last),
    ).toEqual([2, 3]);
  });

  it("hands a drained batch a buffer that later minutes never write over", () => {
    const a = new Series(0, comp, { __name__: "a" });
    const r = new Rollups(() => a);
    r.open(a);
    // 3,000 minutes pending at once (a backlog): more than the first buffer's 1,024 rows.
    for (let m = 0; m < 3_000; m++) r.add(a, T0 + m * 60_000, m);
    const first = r.drain(T0 + 3_000 * 60_000);
    expect(first.length).toBe(3_000);
    for (let m = 3_000; m < 5_000; m++) r.add(a, T0 + m * 60_000, -m);
    const second = r.drain(T0 + 5_000 * 60_000);
    expect(second.length).toBe(2_000);
    expect(Array.from({ length: 3_000 }, (_, i) => first.last(i))).toEqual(
      Array.from({ length: 3_000 }, (_, i) => i),
    );
    expect(second.last(0)).toBe(-3_000);
    expect(second.minuteStartMs(1_999)).toBe(T0 + 4_999 * 60_000);
    expect(r.drain(T0 + 6_000 * 60_000).length).toBe(0);
  });

  it("closes a removed series' open minute", () => {
    const a = new Series(0, comp, { __name__: "a" });
    const r = new Rollups(() => a);
    r.open(a);
    r.add(a, T0, 4);
    r.close(a);
    expect(
      r
        .drain(T0)
        .rows()
        .map((x) => x.last),
    ).toEqual([]);
    expect(
      r
        .drain(T0 + 60_000)
        .rows()
        .map((x) => x.last),
    ).toEqual([4]);
  });

  it("keeps the time of each minute's last sample, stale markers included", () => {
    const a = new Series(0, comp, { __name__: "a" });
    const r = new Rollups(() => a);
    r.open(a);
    r.add(a, T0 + 1_000, 1);
    r.add(a, T0 + 3_000, 2);
    r.add(a, T0 + 4_000, NaN);
    r.add(a, T0 + 61_000, 5);
    expect(
      r
        .drain(T0 + 120_000)
        .rows()
        .map((x) => [x.last, x.lastTs]),
    ).toEqual([
      [2, T0 + 4_000],
      [5, T0 + 61_000],
    ]);
  });

  it("seeds one point per stored minute, oldest first, at its last sample's time (else the minute's end)", () => {
    const calls: unknown[][] = [];
    const target: RollupSeedTarget = { seedPoint: (...args) => (calls.push(args), true) };
    const labels = { __name__: "a" };
    const n = seedFromRollups(
      target,
      [
        { componentId: "vm-1", labels, minuteStartMs: T0 + 60_000, last: 2, lastTs: T0 + 63_000 },
        { componentId: "vm-1", labels, minuteStartMs: T0, last: 1, lastTs: null },
      ],
      T0 + 120_000,
    );
    expect(n).toBe(2);
    expect(calls).toEqual([
      ["vm-1", labels, T0 + 59_999, 1, T0 + 120_000],
      ["vm-1", labels, T0 + 63_000, 2, T0 + 120_000],
    ]);
  });
});

describe(RollupBatch.name, () => {
  const a = new Series(0, comp, { __name__: "a" });
  const b = new Series(1, comp, { __name__: "b" });
  const row = (s: Series, minute: number, v: number) => ({
    componentId: s.componentId,
    labels: s.labels,
    series: s,
    minuteStartMs: T0 + minute * 60_000,
    min: v - 1,
    max: v + 1,
    sum: v * 2,
    count: 2,
    avg: v,
    last: v,
    lastTs: T0 + minute * 60_000 + 59_000,
  });

  it("holds rows columnar and gives each back exactly (also -Infinity, Infinity, -0)", () => {
    const rows = [row(a, 0, 1.5), row(b, 1, -Infinity), row(a, 2, Infinity), row(b, 3, -0)];
    const batch = RollupBatch.of(rows);
    expect(batch.length).toBe(4);
    expect(batch.rows()).toEqual(rows);
    expect(Object.is(batch.last(3), -0)).toBe(true);
    expect(batch.series).toEqual([a, b, a, b]);
  });

  it("slices (clamped) and concatenates without changing either side", () => {
    const left = RollupBatch.of([row(a, 0, 1), row(b, 0, 2), row(a, 1, 3)]);
    const right = RollupBatch.of([row(b, 1, 4)]);
    expect(
      left
        .slice(1)
        .rows()
        .map((r) => r.last),
    ).toEqual([2, 3]);
    expect(
      left
        .slice(2, 99)
        .rows()
        .map((r) => r.last),
    ).toEqual([3]);
    expect(left.slice(5).length).toBe(0);
    const both = left.concat(right);
    expect(both.rows().map((r) => [r.labels.__name__, r.last])).toEqual([
      ["a", 1],
      ["b", 2],
      ["a", 3],
      ["b", 4],
    ]);
    expect(left.length).toBe(3);
    expect(RollupBatch.of([]).concat(right)).toBe(right);
  });
});
