import { describe, expect, it } from "vitest";
import type { CapReachedEvent } from "./caps.js";
import { type IngestError } from "./errors.js";
import { IngestPipeline, type IngestContext, type RulesAttachment } from "./ingest-pipeline.js";
import type { Labels, Series } from "./series-store.js";
import { encodeWriteRequest, snappy, type PbSeries } from "./test-helpers.js";

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const comp = (componentId = "vm-1", cap = 200): IngestContext => ({
  kind: "component",
  componentId,
  cap,
});
const body = (series: PbSeries[]) => snappy(encodeWriteRequest(series));
const up = (i: number, ts = NOW, v = 1): PbSeries => ({
  labels: { __name__: "m", i: String(i) },
  samples: [[ts, v]],
});

/** Stands for the rule engine: records what the pipeline tells it. */
class RecordingRules implements RulesAttachment {
  calls: Array<{ componentId: string; series: Series; labels: Labels; ts: number; v: number }> = [];
  adopted: Array<{ labels: Labels; lastTsMs: number }> = [];
  onSample(componentId: string, series: Series, labels: Labels, ts: number, v: number): void {
    this.calls.push({ componentId, series, labels, ts, v });
  }
  needs(): boolean {
    return false;
  }
  adoptSeries(series: Series, lastTsMs: number): void {
    this.adopted.push({ labels: series.labels, lastTsMs });
  }
}

function setup(opts: ConstructorParameters<typeof IngestPipeline>[0] = {}) {
  const hook = new RecordingRules();
  const events: CapReachedEvent[] = [];
  const p = new IngestPipeline({ rules: hook, onCapReached: (e) => events.push(e), ...opts });
  return { p, hook, events };
}

describe(IngestPipeline.name, () => {
  it("ingests a protobufjs + snappyjs payload and finds the series again without re-creating it", () => {
    const { p, hook } = setup();
    const s = {
      labels: { __name__: "node_load1", instance: "vm-1:9100", job: "node" },
      samples: [
        [NOW - 20_000, 0.5],
        [NOW - 10_000, NaN],
      ],
    } as PbSeries;
    expect(p.ingestRemoteWrite(comp(), body([s]), NOW)).toEqual({
      acceptedSamples: 2,
      rejectedSamples: {},
      rejectedSeries: 0,
    });
    expect(
      p.ingestRemoteWrite(comp(), body([{ ...s, samples: [[NOW, 0.75]] }]), NOW + 1),
    ).toMatchObject({ acceptedSamples: 1 });
    expect(p.listSeries("vm-1")).toHaveLength(1);
    expect(hook.calls.map((c) => [c.componentId, c.ts, c.v])).toEqual([
      ["vm-1", NOW - 20_000, 0.5],
      ["vm-1", NOW - 10_000, NaN],
      ["vm-1", NOW, 0.75],
    ]);
    expect(hook.calls[2]!.series).toBe(hook.calls[0]!.series);
    expect(hook.calls[0]!.labels).toEqual({
      __name__: "node_load1",
      instance: "vm-1:9100",
      job: "node",
    });
    const pts = p.read(hook.calls[0]!.series, 0, Infinity);
    expect([...pts.ts.subarray(0, pts.length)]).toEqual([NOW - 20_000, NOW - 10_000, NOW]);
    expect([...pts.values.subarray(0, pts.length)]).toEqual([0.5, NaN, 0.75]);
  });

  it("routes samples to the right series when the sender changes its order", () => {
    const { p } = setup();
    const orders = [
      [0, 1, 2, 3],
      [3, 0, 1, 2],
      [2, 1, 3, 0],
      [0, 2, 1, 3],
    ];
    orders.forEach((order, k) => {
      const t = NOW - 100_000 + k * 10_000;
      p.ingestRemoteWrite(comp(), body(order.map((i) => up(i, t, i * 10 + k))), NOW);
      const batch = {
        version: 1,
        agent: {},
        os: "linux",
        host: "h",
        series: order.map((i) => ({
          name: "j",
          labels: { i: String(i) },
          samples: [[t, i * 10 + k]],
        })),
      };
      p.ingestJsonBatch(comp(), batch, NOW);
    });
    for (const s of p.listSeries("vm-1")) {
      const i = Number(s.labels.i);
      const pts = p.read(s, 0, Infinity);
      expect([...pts.values.subarray(0, pts.length)]).toEqual([0, 1, 2, 3].map((k) => i * 10 + k));
    }
    expect(p.listSeries("vm-1")).toHaveLength(8);
  });

  it("canonicalises unsorted labels to the same series", () => {
    const { p } = setup();
    p.ingestRemoteWrite(
      comp(),
      body([
        {
          labels: [
            ["job", "a"],
            ["__name__", "m"],
          ],
          samples: [[NOW - 1, 1]],
        },
      ]),
      NOW,
    );
    p.ingestRemoteWrite(
      comp(),
      body([
        {
          labels: [
            ["__name__", "m"],
            ["job", "a"],
          ],
          samples: [[NOW, 2]],
        },
      ]),
      NOW,
    );
    p.ingestRemoteWrite(
      comp(),
      body([
        {
          labels: [
            ["job", "a"],
            ["__name__", "m"],
          ],
          samples: [[NOW + 1, 3]],
        },
      ]),
      NOW,
    );
    expect(p.listSeries("vm-1").map((s) => Object.keys(s.labels))).toEqual([["__name__", "job"]]);
    expect(p.read(p.listSeries("vm-1")[0]!, 0, Infinity).length).toBe(3);
  });

  it("rejects bad series and samples by reason without failing the request", () => {
    const { p } = setup();
    const r = p.ingestRemoteWrite(
      comp(),
      body([
        up(1),
        { labels: { __name__: "m", "1abc": "x" }, samples: [[NOW, 1]] },
        { labels: { __name__: "m", "a-b": "x" }, samples: [[NOW, 1]] },
        {
          labels: [
            ["__name__", "m"],
            ["job", "a"],
            ["job", "b"],
          ],
          samples: [[NOW, 1]],
        },
        {
          labels: { job: "a" },
          samples: [
            [NOW, 1],
            [NOW + 1, 1],
          ],
        },
        { labels: { __name__: "9m" }, samples: [[NOW, 1]] },
        {
          labels: { __name__: "m", i: "2" },
          samples: [
            [NOW + 600_001, 1],
            [NOW + 600_000, 1],
            [NOW - 3_600_001, 1],
            [0, 1],
          ],
        },
        {
          labels: { __name__: "m", i: "3" },
          samples: [
            [NOW - 10, 1],
            [NOW - 10, 2],
            [NOW - 20, 1],
            [NOW, NaN],
          ],
        },
      ]),
      NOW,
    );
    expect(r).toEqual({
      acceptedSamples: 4,
      rejectedSamples: {
        invalid_label_name: 2,
        duplicate_label: 1,
        missing_metric_name: 2,
        invalid_metric_name: 1,
        too_far_future: 1,
        too_old: 2,
        duplicate: 1,
        out_of_order: 1,
      },
      rejectedSeries: 0,
    });
  });

  it("fails the whole request only when the body is unreadable", () => {
    const { p } = setup();
    const reason = (b: Uint8Array) => {
      try {
        p.ingestRemoteWrite(comp(), b, NOW);
        return "accepted";
      } catch (e) {
        return (e as IngestError).reason;
      }
    };
    const pb = encodeWriteRequest([up(1)]);
    expect(reason(pb)).toBe("bad_snappy"); // uncompressed protobuf is not a snappy block
    expect(reason(snappy(pb.subarray(0, pb.length - 2)))).toBe("bad_protobuf");
    expect(reason(snappy(pb))).toBe("accepted");
  });

  describe("caps", () => {
    const push = (p: IngestPipeline, from: number, to: number, now: number, cap = 200) =>
      p.ingestRemoteWrite(
        comp("vm-1", cap),
        body(Array.from({ length: to - from }, (_, k) => up(from + k, now))),
        now,
      );

    it("accepts the 200th series, rejects the 201st, keeps existing series flowing, fires one event", () => {
      const { p, events } = setup();
      expect(push(p, 0, 199, NOW)).toMatchObject({ acceptedSamples: 199, rejectedSeries: 0 });
      expect(push(p, 199, 200, NOW + 1)).toMatchObject({ acceptedSamples: 1, rejectedSeries: 0 });
      expect(events).toEqual([]);
      expect(push(p, 0, 203, NOW + 2)).toEqual({
        acceptedSamples: 200,
        rejectedSamples: { cap_exceeded: 3 },
        rejectedSeries: 3,
        cap: 200,
        capRejections: [{ componentId: "vm-1", rejectedSeries: 3, cap: 200 }],
      });
      expect(push(p, 0, 210, NOW + 3)).toMatchObject({ acceptedSamples: 200, rejectedSeries: 10 });
      expect(events).toEqual([{ componentId: "vm-1", cap: 200, activeSeries: 200, atMs: NOW + 2 }]);
    });

    it("takes more series after a relaxation step and re-arms the event", () => {
      const { p, events } = setup();
      push(p, 0, 201, NOW);
      expect(push(p, 0, 401, NOW + 1, 400)).toMatchObject({
        acceptedSamples: 400,
        rejectedSeries: 1,
        cap: 400,
      });
      expect(events.map((e) => e.cap)).toEqual([200, 400]);
    });

    it("frees the slots of series that got no sample for 15 minutes", () => {
      const { p, events } = setup();
      push(p, 0, 200, NOW);
      const later = NOW + 15 * 60_000 + 1000;
      push(p, 0, 150, later - 60_000); // 150 stay active, 50 go stale
      expect(push(p, 1000, 1051, later)).toMatchObject({ acceptedSamples: 50, rejectedSeries: 1 });
      expect(p.activeSeries("vm-1")).toEqual({ active: 200, cap: 200 });
      expect(events).toHaveLength(1);
      // A stale series coming back needs a slot like a new one.
      expect(push(p, 199, 200, later + 1)).toMatchObject({ acceptedSamples: 0, rejectedSeries: 1 });
    });
  });

  describe("contract pushes", () => {
    const ctx = (known: Record<string, string>): IngestContext => ({
      kind: "contract",
      contractId: "c-1",
      resolveComponent: (instance) =>
        known[instance] ? { componentId: known[instance], cap: 200 } : undefined,
    });
    const s = (instance: string, ts = NOW): PbSeries => ({
      labels: { __name__: "up", instance },
      samples: [[ts, 1]],
    });

    it("routes series to components by instance and rejects unknown or terminated ones", () => {
      const { p } = setup();
      const c = ctx({ "a:9100": "vm-a", "b:9100": "vm-b" });
      expect(
        p.ingestRemoteWrite(
          c,
          body([
            s("a:9100"),
            s("b:9100"),
            s("x:9100"),
            { labels: { __name__: "up" }, samples: [[NOW, 1]] },
          ]),
          NOW,
        ),
      ).toEqual({
        acceptedSamples: 2,
        rejectedSamples: { unknown_component: 2 },
        rejectedSeries: 0,
      });
      expect(p.listSeries("vm-a")).toHaveLength(1);
      p.removeComponent("vm-b");
      const after = ctx({ "a:9100": "vm-a" });
      expect(
        p.ingestRemoteWrite(after, body([s("a:9100", NOW + 1), s("b:9100", NOW + 1)]), NOW + 1),
      ).toMatchObject({
        acceptedSamples: 1,
        rejectedSamples: { unknown_component: 1 },
      });
    });
  });

  it("answers 429 with Retry-After when a component exceeds its rate", async () => {
    const { RateLimiter } = await import("./rate-limit.js");
    const { p } = setup({ rateLimiter: new RateLimiter({ samplesPerS: 10, burst: 20 }) });
    p.ingestRemoteWrite(comp(), body(Array.from({ length: 20 }, (_, i) => up(i))), NOW);
    try {
      p.ingestRemoteWrite(comp(), body([up(1, NOW + 1)]), NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ reason: "rate_limited", retryAfterS: 1, code: "LIMIT_EXCEEDED" });
    }
    expect(p.ingestRemoteWrite(comp(), body([up(1, NOW + 1)]), NOW + 200)).toMatchObject({
      acceptedSamples: 1,
    });
  });

  it("drains 1-minute rollups and seeds a new pipeline from them", () => {
    const { p } = setup();
    const t0 = NOW - 180_000;
    for (let k = 0; k < 12; k++)
      p.ingestRemoteWrite(comp(), body([up(1, t0 + k * 10_000, k)]), NOW);
    const rows = p.drainRollups(NOW).rows();
    expect(
      rows.map((r) => [r.minuteStartMs - t0, r.min, r.max, r.sum, r.count, r.avg, r.last]),
    ).toEqual([
      [0, 0, 5, 15, 6, 2.5, 5],
      [60_000, 6, 11, 51, 6, 8.5, 11],
    ]);
    expect(rows[0]).toMatchObject({ componentId: "vm-1", labels: { __name__: "m", i: "1" } });
    expect(p.drainRollups(NOW).length).toBe(0);
    const { p: fresh, hook: rules } = setup();
    expect(fresh.seedFromRollups(rows, NOW)).toBe(2);
    // The rules adopt each rebuilt series at its last stored sample (absence counts from it).
    expect(rules.adopted).toEqual([{ labels: { __name__: "m", i: "1" }, lastTsMs: t0 + 110_000 }]);
    const series = fresh.findSeries("vm-1", { __name__: "m", i: "1" })!;
    const pts = fresh.read(series, 0, Infinity);
    // At the time of each minute's last sample: the next sample after it is accepted.
    expect([...pts.ts.subarray(0, 2)]).toEqual([t0 + 50_000, t0 + 110_000]);
    expect([...pts.values.subarray(0, 2)]).toEqual([5, 11]);
    expect(fresh.activeSeries("vm-1")).toEqual({ active: 1, cap: 200 });
    const next = fresh.ingestRemoteWrite(comp(), body([up(1, t0 + 113_000, 12)]), NOW);
    expect(next).toMatchObject({ acceptedSamples: 1 });
  });

  it("runs the rules, then each listener, and a throw in one starves neither the rest nor the push", () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const rules = new RecordingRules();
    rules.onSample = (_c, _s, _l, ts) => {
      order.push(`rules ${ts - NOW}`);
      if (ts === NOW) throw new Error("rule bug");
    };
    const p = new IngestPipeline({
      rules,
      listeners: [{ onSample: (_c, _s, _l, ts) => void order.push(`forward ${ts - NOW}`) }],
      onHookError: (err) => errors.push(err),
    });
    const r = p.ingestRemoteWrite(comp(), body([up(1, NOW - 1), up(2, NOW)]), NOW);
    expect(r).toMatchObject({ acceptedSamples: 2 });
    expect(order).toEqual(["rules -1", "forward -1", "rules 0", "forward 0"]);
    expect(errors).toEqual([new Error("rule bug")]);
    expect(p.listSeries("vm-1")).toHaveLength(2);
  });
});
