import { describe, expect, it } from "vitest";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { RuleEngine } from "../rules/rule-engine.js";
import { demoRuleOverrides } from "./demo-rules.js";
import { episodeProgress, SimulatedHost, type HostSpec } from "./host-model.js";

const T0 = Date.UTC(2026, 10, 20, 3, 0, 0);
const spec = (scenario: HostSpec["scenario"]): HostSpec => ({
  name: "vm-01",
  cpus: 4,
  memGiB: 8,
  disks: { "/": 40, "/var": 100 },
  scenario,
});
const value = (series: ReturnType<SimulatedHost["sample"]>, name: string, mount?: string) =>
  series.find((s) => s.name === name && (mount === undefined || s.labels.mountpoint === mount))!
    .samples[0]![1];
const at = (host: SimulatedHost, s: number) => host.sample(s, T0 + s * 1000, 5);
/** CPU busy over the collection at `s` (5 s after the previous), as the CPU rule sees it. */
const busyAt = (host: SimulatedHost, s: number) => {
  const idle = (x: ReturnType<SimulatedHost["sample"]>) =>
    x
      .filter((p) => p.name === "node_cpu_seconds_total" && p.labels.mode === "idle")
      .reduce((a, p) => a + p.samples[0]![1], 0);
  const before = idle(at(host, s - 5));
  return 1 - (idle(at(host, s)) - before) / (5 * host.spec.cpus);
};

describe(episodeProgress.name, () => {
  const s = { kind: "cpu_spike", startS: 10, durationS: 60, everyS: 300 } as const;
  it.each([
    [0, null],
    [9.9, null],
    [10, 0],
    [40, 0.5],
    [70, null],
    [310, 0],
    [340, 0.5],
  ])("at %s s is %s", (t, expected) => expect(episodeProgress(s, t)).toBe(expected));
  it("is never in an episode for a healthy host", () =>
    expect(episodeProgress({ kind: "healthy" }, 0)).toBeNull());
});

describe(SimulatedHost.name, () => {
  it("reports node_exporter names with one sample at the collection time", () => {
    const series = at(new SimulatedHost(spec({ kind: "healthy" }), T0), 5);
    const names = new Set(series.map((s) => s.name));
    for (const n of [
      "node_cpu_seconds_total",
      "node_load1",
      "node_memory_MemAvailable_bytes",
      "node_memory_MemTotal_bytes",
      "node_filesystem_avail_bytes",
      "node_filesystem_size_bytes",
    ])
      expect(names).toContain(n);
    for (const s of series) expect(s.samples).toEqual([[T0 + 5000, expect.any(Number)]]);
    // one entry per (name, labels), as the agent payload requires
    const keys = series.map((s) => s.name + JSON.stringify(s.labels));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("stays under every default threshold while healthy", () => {
    const host = new SimulatedHost(spec({ kind: "healthy" }), T0);
    for (let t = 5; t < 600; t += 10) {
      expect(busyAt(host, t)).toBeLessThan(0.5);
      const s = at(host, t);
      const mem =
        value(s, "node_memory_MemAvailable_bytes") / value(s, "node_memory_MemTotal_bytes");
      expect(mem).toBeGreaterThan(0.3);
      for (const m of ["/", "/var"])
        expect(
          value(s, "node_filesystem_avail_bytes", m) / value(s, "node_filesystem_size_bytes", m),
        ).toBeGreaterThan(0.3);
    }
  });

  it("pegs the CPU during a spike and recovers after it", () => {
    const host = new SimulatedHost(
      spec({ kind: "cpu_spike", startS: 0, durationS: 60, everyS: 600 }),
      T0,
    );
    expect(busyAt(host, 10)).toBeGreaterThan(0.9);
    expect(busyAt(host, 55)).toBeGreaterThan(0.9);
    expect(busyAt(host, 70)).toBeLessThan(0.5);
  });

  it("leaks memory below 10 % within the first quarter of the episode", () => {
    const host = new SimulatedHost(
      spec({ kind: "memory_leak", startS: 0, durationS: 400, everyS: 900 }),
      T0,
    );
    const ratio = (t: number) => {
      const s = at(host, t);
      return value(s, "node_memory_MemAvailable_bytes") / value(s, "node_memory_MemTotal_bytes");
    };
    expect(ratio(0)).toBeGreaterThan(0.4);
    expect(ratio(100)).toBeLessThan(0.1);
    expect(ratio(390)).toBeLessThan(0.1);
    expect(ratio(410)).toBeGreaterThan(0.4);
  });

  it("fills only the last filesystem, crossing 10 % a fifth into the episode", () => {
    const host = new SimulatedHost(
      spec({ kind: "disk_fill", startS: 0, durationS: 200, everyS: 900 }),
      T0,
    );
    const ratio = (t: number, m: string) => {
      const s = at(host, t);
      return value(s, "node_filesystem_avail_bytes", m) / value(s, "node_filesystem_size_bytes", m);
    };
    expect(ratio(30, "/var")).toBeGreaterThan(0.1);
    expect(ratio(50, "/var")).toBeLessThan(0.1);
    expect(ratio(199, "/var")).toBeLessThan(0.03);
    expect(ratio(199, "/")).toBeGreaterThan(0.5);
    expect(ratio(210, "/var")).toBeGreaterThan(0.3);
  });

  it("goes silent only during its episode", () => {
    const host = new SimulatedHost(
      spec({ kind: "silent", startS: 60, durationS: 180, everyS: 1200 }),
      T0,
    );
    expect([0, 59, 60, 239, 240].map((t) => host.isSilent(t))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(new SimulatedHost(spec({ kind: "healthy" }), T0).isSilent(100)).toBe(false);
  });

  it("keeps counters monotonic", () => {
    const host = new SimulatedHost(spec({ kind: "healthy" }), T0);
    let last = -1;
    for (let t = 0; t < 100; t += 5) {
      const rx = value(at(host, t), "node_network_receive_bytes_total");
      expect(rx).toBeGreaterThan(last);
      last = rx;
    }
  });
});

describe("the demo's CPU rule on a simulated spike", () => {
  it("fires from the simulated idle counters within 20 s of the spike's start", () => {
    const over = demoRuleOverrides().find((r) => r.packKey === "cpu_high")!;
    const rule: RuleSpec = {
      ...DEFAULT_PACK.find((p) => p.packKey === "cpu_high")!,
      ...(over as Partial<RuleSpec>), // what the demo posts to /rules
      id: "demo-cpu",
      contractId: "K",
      componentId: null,
      enabled: true,
    };
    const fired: number[] = [];
    const engine = new RuleEngine({
      sink: { fire: (a) => fired.push(a.atMs), clear: () => undefined },
    });
    engine.load([rule], new Map([["vm-01", { contractId: "K", eligible: true }]]), T0);
    const pipeline = new IngestPipeline({ rules: engine });
    const host = new SimulatedHost(
      spec({ kind: "cpu_spike", startS: 0, durationS: 60, everyS: 600 }),
      T0,
    );
    for (let t = 0; t <= 20; t += 5)
      pipeline.ingestJsonBatch(
        { kind: "component", componentId: "vm-01", cap: 200, contractId: "K" },
        {
          version: 1,
          agent: { name: "demo", version: "1" },
          os: "linux",
          host: "vm-01",
          series: at(host, t),
        },
        T0 + t * 1000,
      );
    expect(fired.length).toBeGreaterThan(0);
    expect(fired[0]! - T0).toBeLessThanOrEqual(20_000);
  });
});
