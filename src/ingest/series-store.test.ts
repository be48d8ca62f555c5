import { describe, expect, it } from "vitest";
import {
  APPEND_DUPLICATE,
  APPEND_OK,
  APPEND_OUT_OF_ORDER,
  ComponentState,
  SeriesStore,
} from "./series-store.js";

const MIN = 60_000;
const T0 = 1_767_225_600_000; // aligned to the 20-minute chunk span

function points(
  store: SeriesStore,
  s: Parameters<SeriesStore["read"]>[0],
  from = -Infinity,
  to = Infinity,
): Array<[number, number]> {
  const b = store.read(s, from, to);
  return Array.from({ length: b.length }, (_, i) => [b.ts[i]!, b.values[i]!]);
}

describe(SeriesStore.name, () => {
  it("keeps points across chunk boundaries (sealed chunks) and answers ranges", () => {
    const store = new SeriesStore();
    const c = new ComponentState("vm-1", 1, 200, undefined);
    const s = store.create(c, { __name__: "m" });
    const want: Array<[number, number]> = [];
    for (let i = 0; i < 360; i++) {
      const p: [number, number] = [T0 + i * 10_000, Math.round(i * 9.37 * 100) / 100];
      want.push(p);
      expect(store.append(s, p[0], p[1])).toBe(APPEND_OK);
    }
    expect(store.codec.sealed.wordsInUse).toBeGreaterThan(0); // three chunks were closed
    expect(points(store, s)).toEqual(want);
    expect(points(store, s, T0 + 25 * MIN, T0 + 45 * MIN)).toEqual(
      want.filter(([t]) => t >= T0 + 25 * MIN && t <= T0 + 45 * MIN),
    );
  });

  it("drops out-of-order samples and reports duplicates of the last timestamp", () => {
    const store = new SeriesStore();
    const s = store.create(new ComponentState("vm-1", 1, 200, undefined), { __name__: "m" });
    expect(store.append(s, T0 + 20_000, 1)).toBe(APPEND_OK);
    expect(store.append(s, T0 + 10_000, 2)).toBe(APPEND_OUT_OF_ORDER);
    expect(store.append(s, T0 + 20_000, 3)).toBe(APPEND_DUPLICATE);
    expect(points(store, s)).toEqual([[T0 + 20_000, 1]]);
  });

  it("forgets chunks older than the window, frees their sealed spans, and removes idle series", () => {
    const store = new SeriesStore({ windowMs: 60 * MIN, chunkSpanMs: 20 * MIN, staleMs: 15 * MIN });
    const c = new ComponentState("vm-1", 1, 200, undefined);
    const s = store.create(c, { __name__: "m" });
    store.activate(s, T0);
    for (let i = 0; i <= 100 * 6; i++) store.append(s, T0 + i * 10_000, i);
    // 100 minutes of data: the chunks of minutes 0-20 and 20-40 ended by now - 60 min.
    const now = T0 + 100 * MIN;
    store.releaseExpired(now);
    expect(store.codec.sealed.releasedThrough).toBe(Math.floor(T0 / (20 * MIN)) + 1);
    const pts = points(store, s);
    expect(pts[0]![0]).toBe(T0 + 40 * MIN);
    expect(pts).toHaveLength(6 * 60 + 1);
    expect(pts.at(-1)![0]).toBe(now);
    store.activate(s, now);
    expect(store.sweepComponent(c, now + 16 * MIN)).toEqual([]);
    expect(c.active).toBe(0); // stale: no sample received for 16 minutes
    expect(store.sweepComponent(c, now + 70 * MIN)).toEqual([]); // its last chunk (100-120 min) is kept to 180 min
    expect(store.sweepComponent(c, now + 80 * MIN)).toEqual([s]);
    expect(store.size).toBe(0);
    expect(store.byHandle(0)).toBeUndefined();
    expect(store.codec.arena.blocksInUse).toBe(0);
  });

  it("reuses a removed series' id under a new handle", () => {
    const store = new SeriesStore();
    const c = new ComponentState("vm-1", 1, 200, undefined);
    const a = store.create(c, { __name__: "a" });
    const ha = store.handleOf(a);
    store.remove(a);
    const b = store.create(c, { __name__: "b" });
    expect(b.id).toBe(a.id);
    expect(store.byHandle(ha)).toBeUndefined();
    expect(store.byHandle(store.handleOf(b))).toBe(b);
    expect(c.series).toEqual([b]);
  });

  it("sizes its arrays for the reserved ids at once and keeps them (no copy below it)", () => {
    const store = new SeriesStore({ reserveSeries: 10_000 });
    expect(store.capacity).toBe(10_000);
    const c = new ComponentState("vm-1", 1, 20_000, undefined);
    const series = Array.from({ length: 10_001 }, (_, i) => store.create(c, { __name__: `m${i}` }));
    for (const [i, s] of series.entries()) store.append(s, T0, i);
    // Past the reservation it grows as before, and every series keeps its point.
    expect(store.capacity).toBeGreaterThan(10_000);
    expect(points(store, series[0]!)).toEqual([[T0, 0]]);
    expect(points(store, series[10_000]!)).toEqual([[T0, 10_000]]);
    expect(new SeriesStore().capacity).toBe(0);
  });
});
