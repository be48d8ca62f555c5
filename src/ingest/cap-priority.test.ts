import { describe, expect, it } from "vitest";
import type { RulesAttachment } from "./ingest-contract.js";
import { IngestPipeline, type IngestContext } from "./ingest-pipeline.js";
import type { Labels } from "./series.js";
import { encodeWriteRequest, snappy, type PbSeries } from "./test-helpers.js";

const NOW = 1_767_225_600_000;
const ctx: IngestContext = { kind: "component", componentId: "vm-1", cap: 10 };
const needs: RulesAttachment = {
  onSample: () => undefined,
  adoptSeries: () => undefined,
  needs: (_c, _k, l: Labels) => l.__name__ === "up" || l.__name__ === "node_cpu_seconds_total",
};
const noise = (i: number, ts: number): PbSeries => ({
  labels: { __name__: "go_gc_duration_seconds", q: String(i) },
  samples: [[ts, 1]],
});
const cpu = (i: number, ts: number): PbSeries => ({
  labels: { __name__: "node_cpu_seconds_total", cpu: String(i), mode: "idle" },
  samples: [[ts, i]],
});
const upSeries = (ts: number): PbSeries => ({ labels: { __name__: "up" }, samples: [[ts, 1]] });
const push = (p: IngestPipeline, series: PbSeries[], now: number) =>
  p.ingestRemoteWrite(ctx, snappy(encodeWriteRequest(series)), now);
const names = (p: IngestPipeline) =>
  p
    .listSeries("vm-1")
    .filter((s) => p.core.store.isActive(s))
    .map((s) => s.labels.__name__)
    .sort();

describe("cap priority", () => {
  it("lets the series the rules read (and up) take the slots of others when the cap is full", () => {
    const p = new IngestPipeline({ rules: needs });
    const noiseAll = Array.from({ length: 12 }, (_, i) => noise(i, NOW));
    expect(push(p, noiseAll, NOW)).toMatchObject({ acceptedSamples: 10, rejectedSeries: 2 });
    const again = (ts: number) => [
      ...Array.from({ length: 12 }, (_, i) => noise(i, ts)),
      cpu(0, ts),
      cpu(1, ts),
      upSeries(ts),
    ];
    // The rule series arrive last and still get in: 3 noise series give their slots up.
    expect(push(p, again(NOW + 15_000), NOW + 15_000)).toMatchObject({ rejectedSeries: 2 });
    const ts = NOW + 30_000;
    expect(push(p, again(ts), ts)).toMatchObject({ acceptedSamples: 10, rejectedSeries: 5 });
    expect(names(p).filter((n) => n !== "go_gc_duration_seconds")).toEqual([
      "node_cpu_seconds_total",
      "node_cpu_seconds_total",
      "up",
    ]);
    expect(p.activeSeries("vm-1")).toEqual({ active: 10, cap: 10 });
    const refused = p.refusedSeries("vm-1", ts);
    expect(refused.map((x) => [x.metric, x.reason, x.series])).toEqual(
      expect.arrayContaining([
        ["go_gc_duration_seconds", "displaced", 3],
        ["go_gc_duration_seconds", "cap_exceeded", 5],
      ]),
    );
  });

  it("never displaces a rule series, neither for other series nor for another rule series", () => {
    const p = new IngestPipeline({ rules: needs });
    const cpus = Array.from({ length: 10 }, (_, i) => cpu(i, NOW));
    push(p, cpus, NOW);
    const ts = NOW + 15_000;
    const r = push(
      p,
      [
        noise(0, ts),
        cpu(10, ts),
        ...cpus.map((s) => ({ ...s, samples: [[ts, 1]] as [number, number][] })),
      ],
      ts,
    );
    expect(r).toMatchObject({ acceptedSamples: 10, rejectedSeries: 2 });
    expect(names(p)).toEqual(Array(10).fill("node_cpu_seconds_total"));
  });

  it("without a priority the cap stays first come, first served", () => {
    const p = new IngestPipeline();
    push(
      p,
      Array.from({ length: 10 }, (_, i) => noise(i, NOW)),
      NOW,
    );
    expect(push(p, [cpu(0, NOW + 1)], NOW + 1)).toMatchObject({
      acceptedSamples: 0,
      rejectedSeries: 1,
    });
  });

  it("reports every component that accepted a sample, once, for last-seen", () => {
    const p = new IngestPipeline();
    const contract: IngestContext = {
      kind: "contract",
      contractId: "k",
      resolveComponent: (i) =>
        i === "a" || i === "b" ? { componentId: `vm-${i}`, cap: 10 } : undefined,
    };
    const s = (instance: string, n: string): PbSeries => ({
      labels: { __name__: n, instance },
      samples: [[NOW, 1]],
    });
    p.ingestRemoteWrite(
      contract,
      snappy(encodeWriteRequest([s("a", "x"), s("a", "y"), s("b", "x"), s("c", "x")])),
      NOW,
    );
    expect([...p.seenComponents()].sort()).toEqual(["vm-a", "vm-b"]);
    p.ingestRemoteWrite(contract, snappy(encodeWriteRequest([s("c", "x")])), NOW);
    expect(p.seenComponents()).toEqual([]);
  });
});
