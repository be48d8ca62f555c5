import { describe, expect, it } from "vitest";
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
      "node_cpu_busy_ratio",
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
    for (let t = 0; t < 600; t += 5) {
      const s = at(host, t);
      expect(value(s, "node_cpu_busy_ratio")).toBeLessThan(0.5);
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
    expect(value(at(host, 5), "node_cpu_busy_ratio")).toBeGreaterThan(0.9);
    expect(value(at(host, 55), "node_cpu_busy_ratio")).toBeGreaterThan(0.9);
    expect(value(at(host, 65), "node_cpu_busy_ratio")).toBeLessThan(0.5);
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
