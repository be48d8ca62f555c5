import { describe, expect, it } from "vitest";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import type { Alert, AlertKey, AlertSink } from "../incidents/alerts.js";
import { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { SeriesBinding } from "./engine-state.js";
import { RuleEngine, type DirectoryEntry } from "./rule-engine.js";

const T0 = 1_795_000_000_000;
const S = 1000;

class FakeSink implements AlertSink {
  events: string[] = [];
  alerts: Alert[] = [];
  fire(a: Alert) {
    this.alerts.push(a);
    this.events.push(`fire ${a.ruleName} ${a.labelsKey} @${(a.atMs - T0) / S}`);
  }
  clear(k: AlertKey, atMs: number) {
    this.events.push(`clear ${k.ruleId} ${k.labelsKey} @${(atMs - T0) / S}`);
  }
}

const pack: RuleSpec[] = DEFAULT_PACK.map((p) => ({
  ...p,
  id: p.packKey,
  contractId: null,
  componentId: null,
  enabled: true,
}));
/** A plain gauge threshold rule (the pack's CPU rule is a derived one). */
const plain: RuleSpec = {
  ...pack[0]!,
  metric: "node_cpu_busy_ratio",
  matchers: {},
  counter: null,
  windowSeconds: null,
  aggregate: null,
  complement: false,
};
const rule = (over: Partial<RuleSpec> & { id: string }): RuleSpec => ({
  ...plain,
  packKey: null,
  name: over.id,
  ...over,
});

function setup(rules: RuleSpec[] = pack, dir: Record<string, DirectoryEntry> = {}) {
  const sink = new FakeSink();
  const unknown: string[] = [];
  const engine = new RuleEngine({ sink, onUnknownComponent: (id) => unknown.push(id) });
  const directory = new Map(
    Object.entries({ "vm-1": { contractId: "K1", eligible: true }, ...dir }),
  );
  engine.load(rules, directory, T0);
  const pipeline = new IngestPipeline({ rules: engine, maxFutureMs: 365 * 86_400_000 });
  /** Pushes `[name, labels, value]` samples of one component at T0 + seconds. */
  const push = (sec: number, samples: [string, Record<string, string>, number][], comp = "vm-1") =>
    pipeline.ingestJsonBatch(
      {
        kind: "component",
        componentId: comp,
        cap: 1000,
        contractId: dir[comp]?.contractId ?? "K1",
      },
      {
        version: 1,
        agent: { name: "msp-agent", version: "0.1.0" },
        os: "linux",
        host: comp,
        series: samples.map(([name, labels, v]) => ({
          name,
          labels,
          samples: [[T0 + sec * S, v]],
        })),
      },
      T0 + sec * S,
    );
  return { sink, engine, pipeline, push, unknown, directory };
}

const ROOT = { device: "sda1", fstype: "ext4", mountpoint: "/" };
const DATA = { device: "sdb1", fstype: "xfs", mountpoint: "/data" };
const disk = (
  labels: Record<string, string>,
  free: number,
): [string, Record<string, string>, number][] => [
  ["node_filesystem_avail_bytes", labels, free],
  ["node_filesystem_size_bytes", labels, 100],
];

describe(RuleEngine.name, () => {
  it("opens one disk_full alert per filesystem after its `for`, and clears past recovery", () => {
    const { sink, push } = setup();
    for (let t = 0; t <= 60; t += 10) push(t, [...disk(ROOT, 5), ...disk(DATA, 50)]);
    expect(sink.events).toEqual([
      "fire Filesystem space below 10% device=sda1,fstype=ext4,mountpoint=/ @60",
    ]);
    expect(sink.alerts[0]).toMatchObject({
      contractId: "K1",
      ruleKind: "threshold",
      value: 0.05,
      threshold: 0.1,
      labels: ROOT,
      metric: "node_filesystem_avail_bytes",
    });
    push(70, disk(ROOT, 11)); // inside the band (recovery is > 12%)
    push(80, disk(ROOT, 13));
    expect(sink.events.at(-1)).toBe("clear disk_full device=sda1,fstype=ext4,mountpoint=/ @80");
  });

  it("evaluates a ratio whenever either side gets a sample, once both are known", () => {
    const { sink, push } = setup();
    push(0, [["node_memory_MemAvailable_bytes", {}, 5]]); // no total yet: nothing to compare
    push(10, [["node_memory_MemTotal_bytes", {}, 100]]); // 5% from here
    push(309, [["node_memory_MemAvailable_bytes", {}, 6]]);
    expect(sink.events).toEqual([]);
    push(310, [["node_memory_MemTotal_bytes", {}, 100]]);
    expect(sink.events).toEqual(["fire Available memory below 10%  @310"]);
  });

  it("repeats a holding condition at most once a minute and never re-opens it", () => {
    const { sink, push } = setup([rule({ id: "hot", forSeconds: 0 })]);
    for (let t = 0; t <= 125; t += 5) push(t, [["node_cpu_busy_ratio", {}, 0.99]]);
    expect(sink.events).toEqual(["fire hot  @0", "fire hot  @60", "fire hot  @120"]);
  });

  it("caches 'no rule matches' in the series' slot until the rules change", () => {
    const { engine, pipeline, push, directory } = setup();
    push(0, [["node_load1", {}, 1]]);
    const s = pipeline.findSeries("vm-1", { __name__: "node_load1" })!;
    expect((s.ruleState as SeriesBinding).items).toBeNull();
    engine.load(
      [...pack, rule({ id: "load", metric: "node_load1", threshold: 4, forSeconds: 0 })],
      directory,
      T0,
    );
    push(10, [["node_load1", {}, 1]]);
    expect((s.ruleState as SeriesBinding).items).toHaveLength(1);
  });

  it("fires agent_silent on the sweep only for components seen once, and clears on the next sample", () => {
    const { sink, engine, push } = setup(pack, { "vm-2": { contractId: "K1", eligible: true } });
    push(0, [["node_load1", {}, 1]]);
    engine.sweep(T0 + 119 * S);
    expect(sink.events).toEqual([]);
    engine.sweep(T0 + 121 * S);
    expect(sink.events).toEqual(["fire Agent silent  @120"]);
    engine.sweep(T0 + 130 * S);
    engine.sweep(T0 + 181 * S);
    expect(sink.events).toHaveLength(2); // one repeat a minute later, vm-2 never seen
    push(200, [["node_load1", {}, 1]]);
    expect(sink.events.at(-1)).toBe("clear agent_silent  @200");
  });

  it("counts no silence while the platform could not take pushes", () => {
    const { sink, engine, push } = setup();
    push(0, [["node_load1", {}, 1]]);
    engine.platformStalled(T0 + 100 * S); // e.g. restarted, or the event loop was blocked
    engine.sweep(T0 + 121 * S);
    engine.sweep(T0 + 219 * S);
    expect(sink.events).toEqual([]);
    engine.sweep(T0 + 221 * S);
    expect(sink.events).toEqual(["fire Agent silent  @220"]);
    engine.platformStalled(T0 + 300 * S); // a stall never clears what already fired
    push(310, [["node_load1", {}, 1]]);
    expect(sink.events.at(-1)).toBe("clear agent_silent  @310");
  });

  it("measures silence from arrival, so an agent whose clock lags is not silent", () => {
    const { sink, engine, pipeline } = setup();
    const lagging = (nowSec: number) =>
      pipeline.ingestJsonBatch(
        { kind: "component", componentId: "vm-1", cap: 1000, contractId: "K1" },
        {
          version: 1,
          agent: { name: "msp-agent", version: "0.1.0" },
          os: "linux",
          host: "vm-1",
          series: [{ name: "node_load1", labels: {}, samples: [[T0 + (nowSec - 100) * S, 1]] }],
        },
        T0 + nowSec * S,
      );
    lagging(100);
    engine.sweep(T0 + 150 * S); // the sample is 150 s old, but it arrived 50 s ago
    expect(sink.events).toEqual([]);
    engine.sweep(T0 + 221 * S);
    expect(sink.events).toEqual(["fire Agent silent  @220"]);
  });

  it("fires absence_series for one silent series of a metric", () => {
    const { sink, engine, push } = setup([
      rule({
        id: "gone",
        kind: "absence_series",
        metric: "up",
        matchers: { job: "db" },
        absenceSeconds: 30,
      }),
    ]);
    push(0, [
      ["up", { job: "db" }, 1],
      ["up", { job: "web" }, 1],
    ]);
    push(20, [["up", { job: "web" }, 1]]);
    engine.sweep(T0 + 31 * S);
    expect(sink.events).toEqual(["fire gone job=db @30"]);
    push(40, [["up", { job: "db" }, 1]]);
    expect(sink.events.at(-1)).toBe("clear gone job=db @40");
  });

  it("lets a contract switch a pack rule off and a component replace it", () => {
    const rules = [
      ...pack,
      rule({ id: "k2-cpu-off", contractId: "K2", packKey: "cpu_high", enabled: false }),
      rule({
        id: "vm1-cpu",
        contractId: "K1",
        componentId: "vm-1",
        packKey: "cpu_high",
        threshold: 0.5,
        forSeconds: 0,
      }),
    ];
    const { sink, push } = setup(rules, { "vm-3": { contractId: "K2", eligible: true } });
    for (let t = 0; t <= 400; t += 100)
      push(t, [["node_cpu_seconds_total", { cpu: "0", mode: "idle" }, t * 0.01]], "vm-3");
    push(0, [["node_cpu_busy_ratio", {}, 0.6]]);
    expect(sink.events).toEqual(["fire vm1-cpu  @0"]);
  });

  it("sends nothing for a component that may not alert (terminated contract, removed component)", () => {
    const { sink, engine, push } = setup(pack, { "vm-1": { contractId: "K1", eligible: false } });
    push(0, [...disk(ROOT, 1), ["node_cpu_busy_ratio", {}, 1]]);
    push(400, [...disk(ROOT, 1), ["node_cpu_busy_ratio", {}, 1]]);
    engine.sweep(T0 + 3_600 * S);
    expect(sink.events).toEqual([]);
  });

  it("restored firing keys repeat on a breach and clear on recovery instead of re-opening", () => {
    const sink = new FakeSink();
    const engine = new RuleEngine({ sink });
    const firing = { componentId: "vm-1", labels: {}, lastFiredMs: T0 - 3_600 * S };
    engine.restore(new Map([["vm-1", T0 - 600 * S]]), [
      { ...firing, ruleId: "cpu_high", labelsKey: "", ruleKind: "threshold" },
      { ...firing, ruleId: "agent_silent", labelsKey: "", ruleKind: "absence_component" },
    ]);
    engine.load(pack, new Map([["vm-1", { contractId: "K1", eligible: true }]]), T0);
    const pipeline = new IngestPipeline({ rules: engine, maxFutureMs: 365 * 86_400_000 });
    engine.sweep(T0);
    const ctx = { kind: "component", componentId: "vm-1", cap: 100 } as const;
    const send = (sec: number, v: number) =>
      pipeline.ingestJsonBatch(
        ctx,
        {
          version: 1,
          agent: { name: "a", version: "1" },
          os: "linux",
          host: "h",
          series: [
            {
              name: "node_cpu_seconds_total",
              labels: { cpu: "0", mode: "idle" },
              samples: [[T0 + sec * S, v]],
            },
          ],
        },
        T0 + sec * S,
      );
    send(0, 0); // idle seconds: a rate needs two samples
    send(10, 0.5); // idle 5 %: busy 95 %
    send(20, 10.5); // busy 47.5 % over the window: recovering
    send(81, 71.5);
    expect(sink.events).toEqual([
      "fire Agent silent  @0",
      "clear agent_silent  @0",
      "fire CPU busy above 90%  @10",
      "clear cpu_high  @81",
    ]);
  });

  it("clears a firing key whose rule was deleted, and asks for a reload on an unknown component", () => {
    const { sink, engine, push, directory, unknown } = setup([rule({ id: "hot", forSeconds: 0 })]);
    push(0, [["node_cpu_busy_ratio", {}, 1]]);
    engine.load([], directory, T0 + 5 * S);
    expect(sink.events).toEqual(["fire hot  @0", "clear hot  @5"]);
    push(10, [["node_cpu_busy_ratio", {}, 1]], "vm-new");
    expect(unknown).toEqual(["vm-new"]);
  });
});

describe("rules on counters", () => {
  const idle = (cpu: string, v: number): [string, Record<string, string>, number] => [
    "node_cpu_seconds_total",
    { cpu, mode: "idle" },
    v,
  ];
  const user = (cpu: string, v: number): [string, Record<string, string>, number] => [
    "node_cpu_seconds_total",
    { cpu, mode: "user" },
    v,
  ];

  it("fires the pack's CPU rule from node_exporter's idle counters (1 − avg rate) after its `for`", () => {
    const { sink, push } = setup();
    // Two CPUs, 15 s scrapes: cpu0 idles 0.5 s/s, cpu1 never: busy = 1 − 0.25 = 0.75 < 0.9.
    for (let t = 0; t <= 120; t += 15) push(t, [idle("0", t * 0.5), idle("1", 0), user("0", t)]);
    expect(sink.events).toEqual([]);
    // From 120 s both CPUs idle 0.02 s/s: the 2-minute window holds only that from 240 s.
    for (let t = 135; t <= 600; t += 15)
      push(t, [idle("0", 60 + (t - 120) * 0.02), idle("1", (t - 120) * 0.02)]);
    expect(sink.events.length).toBeGreaterThanOrEqual(1); // then repeats once a minute
    expect(sink.events[0]).toMatch(/^fire CPU busy above 90% {2}@(\d+)$/);
    const at = Number(/@(\d+)/.exec(sink.events[0]!)![1]);
    expect(at).toBeGreaterThanOrEqual(240 + 300 - 120); // breaching from ~180-240 s, then for 300 s
    expect(at).toBeLessThanOrEqual(240 + 300);
    expect(sink.alerts[0]).toMatchObject({ labels: {}, labelsKey: "" });
    expect(sink.alerts[0]!.value).toBeCloseTo(0.98, 6);
  });

  it("fires the Windows twin on windows_cpu_time_total", () => {
    const { sink, push } = setup();
    for (let t = 0; t <= 330; t += 30)
      push(t, [["windows_cpu_time_total", { core: "0,0", mode: "idle" }, t * 0.01]]);
    // Busy 99 % from the second sample (30 s), then `for` 300 s.
    expect(sink.events).toEqual(["fire CPU busy above 90% (Windows exporter)  @330"]);
  });

  it("takes a counter reset as a restart, not a negative rate", () => {
    const r = rule({
      id: "errors",
      metric: "http_errors_total",
      counter: "increase",
      windowSeconds: 60,
      op: ">",
      threshold: 15,
      recoveryThreshold: 15,
      forSeconds: 0,
    });
    const { sink, push } = setup([r]);
    const errs = (v: number): [string, Record<string, string>, number][] => [
      ["http_errors_total", { path: "/" }, v],
    ];
    push(0, errs(100));
    push(20, errs(105));
    push(40, errs(3)); // restarted: +3 after the reset, 8 in the window
    expect(sink.events).toEqual([]);
    push(50, errs(13)); // 5 + 3 + 10 = 18 > 15
    expect(sink.events).toEqual(["fire errors path=/ @50"]);
  });

  it("aggregates max by label into one alert per group", () => {
    const r = rule({
      id: "nic",
      metric: "node_network_receive_errs_total",
      counter: "rate",
      windowSeconds: 60,
      aggregate: "max",
      aggregateBy: ["job"],
      op: ">",
      threshold: 1,
      recoveryThreshold: 1,
      forSeconds: 0,
    });
    const { sink, push } = setup([r]);
    const rx = (device: string, v: number): [string, Record<string, string>, number] => [
      "node_network_receive_errs_total",
      { device, job: "node" },
      v,
    ];
    push(0, [rx("eth0", 0), rx("eth1", 0)]);
    push(10, [rx("eth0", 5), rx("eth1", 30)]); // eth1: 3 errors/s
    expect(sink.events).toEqual(["fire nic job=node @10"]);
    expect(sink.alerts[0]).toMatchObject({ labels: { job: "node" }, value: 3 });
  });
});
