import { describe, expect, it } from "vitest";
import { PointBuffer } from "../ingest/chunk-codec.js";
import type { Series } from "../ingest/series-store.js";
import type { SeriesEvent } from "./messages.js";
import { SeriesStreams, type SeriesSource } from "./series-streams.js";

const C = "11111111-1111-4111-8111-111111111111";

/** A store of two series whose points the test appends. */
function fakeSource() {
  const points = new Map<Series, [number, number][]>();
  const mk = (labels: Record<string, string>) => {
    const s = { labels } as unknown as Series;
    points.set(s, []);
    return s;
  };
  const cpu = mk({ __name__: "cpu", core: "0" });
  const mem = mk({ __name__: "mem" });
  const source: SeriesSource = {
    listSeries: (id) => (id === C ? [...points.keys()] : []),
    read: (s, from, to) => {
      const buf = new PointBuffer();
      for (const [t, v] of points.get(s)!) if (t >= from && t <= to) buf.push(t, v);
      return buf;
    },
  };
  return {
    source,
    push: (s: Series, t: number, v: number) => points.get(s)!.push([t, v]),
    cpu,
    mem,
  };
}

function target(id = "sock-1") {
  const events: SeriesEvent[] = [];
  return { id, events, emit: (_: "series", e: SeriesEvent) => events.push(e) };
}

describe(SeriesStreams.name, () => {
  it("sends the recent window first, then only new points, one event per tick", () => {
    const { source, push, cpu, mem } = fakeSource();
    const streams = new SeriesStreams(
      () => source,
      () => 100_000,
      { initialWindowMs: 60_000 },
    );
    push(cpu, 10_000, 1); // older than the initial window
    push(cpu, 50_000, 2);
    push(mem, 60_000, Number.NaN);
    const t = target();
    streams.subscribe(t, { componentId: C });
    streams.tick();
    expect(t.events).toEqual([
      {
        componentId: C,
        seriesId: null,
        series: [
          { key: 'cpu{core="0"}', labels: { __name__: "cpu", core: "0" }, points: [[50_000, 2]] },
          { key: "mem{}", labels: { __name__: "mem" }, points: [[60_000, null]] },
        ],
      },
    ]);
    streams.tick();
    expect(t.events).toHaveLength(1); // nothing new, nothing sent
    for (let i = 1; i <= 10; i++) push(cpu, 60_000 + i, i);
    streams.tick();
    expect(t.events).toHaveLength(2);
    expect(t.events[1]!.series.map((s) => s.points.length)).toEqual([10]);
  });

  it("filters to one series when seriesId is given, and bounds the points", () => {
    const { source, push, cpu, mem } = fakeSource();
    const streams = new SeriesStreams(
      () => source,
      () => 100_000,
      { maxPoints: 3 },
    );
    for (let i = 0; i < 5; i++) push(cpu, 90_000 + i, i);
    push(mem, 90_000, 7);
    const t = target();
    streams.subscribe(t, { componentId: C, seriesId: 'cpu{core="0"}' });
    streams.tick();
    expect(t.events[0]!.series).toHaveLength(1);
    expect(t.events[0]!.series[0]!.points.map((p) => p[1])).toEqual([2, 3, 4]);
  });

  it("limits subscriptions per socket, ignores repeats, and stops after unsubscribe", () => {
    const { source, push, cpu } = fakeSource();
    const streams = new SeriesStreams(
      () => source,
      () => 100_000,
      { maxPerSocket: 2 },
    );
    const t = target();
    streams.subscribe(t, { componentId: C, seriesId: "a" });
    streams.subscribe(t, { componentId: C, seriesId: "a" });
    streams.subscribe(t, { componentId: C });
    expect(streams.count(t.id)).toBe(2);
    expect(() => streams.subscribe(t, { componentId: C, seriesId: "b" })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    expect(streams.subscribe(target("sock-2"), { componentId: C, seriesId: "b" })).toBeUndefined();
    expect(streams.unsubscribe(t, { componentId: C })).toBe(true);
    expect(streams.unsubscribe(t, { componentId: C })).toBe(false);
    push(cpu, 99_000, 1);
    streams.tick();
    expect(t.events).toHaveLength(0); // "a" matches no series; the whole-component one is gone
    streams.drop(t.id);
    expect(streams.count(t.id)).toBe(0);
  });

  it("does nothing while the collector is not running here", () => {
    const streams = new SeriesStreams(
      () => undefined,
      () => 0,
    );
    const t = target();
    streams.subscribe(t, { componentId: C });
    streams.tick();
    expect(t.events).toEqual([]);
  });
});
