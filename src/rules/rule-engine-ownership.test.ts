import { describe, expect, it } from "vitest";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import type { Alert, AlertKey, AlertSink } from "../incidents/alerts.js";
import { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { RuleEngine } from "./rule-engine.js";

// Several collectors (decision 0019): a collector sweeps absence only for the contracts it
// holds, and counts no silence before it took a contract over.
const T0 = 1_795_000_000_000;
const S = 1000;

class FakeSink implements AlertSink {
  events: string[] = [];
  fire(a: Alert) {
    this.events.push(`fire ${a.ruleName} ${a.componentId} @${(a.atMs - T0) / S}`);
  }
  clear(k: AlertKey, atMs: number) {
    this.events.push(`clear ${k.componentId} @${(atMs - T0) / S}`);
  }
}

const pack: RuleSpec[] = DEFAULT_PACK.map((p) => ({
  ...p,
  id: p.packKey,
  contractId: null,
  componentId: null,
  enabled: true,
}));

function setup() {
  const sink = new FakeSink();
  const engine = new RuleEngine({ sink });
  engine.load(
    pack,
    new Map([
      ["vm-1", { contractId: "K1", eligible: true }],
      ["vm-2", { contractId: "K2", eligible: true }],
    ]),
    T0,
  );
  engine.restore(
    new Map([
      ["vm-1", T0],
      ["vm-2", T0],
    ]),
    [],
  );
  return { sink, engine };
}

describe("RuleEngine with several collectors", () => {
  it("sweeps absence only for the contracts this collector holds", () => {
    const { sink, engine } = setup();
    const held = new Set(["K1"]);
    engine.judgeOnly((c) => held.has(c));
    engine.sweep(T0 + 121 * S);
    expect(sink.events).toEqual(["fire Agent silent vm-1 @120"]);
    held.add("K2"); // taken over: judged from the next sweep
    engine.sweep(T0 + 122 * S);
    expect(sink.events.at(-1)).toBe("fire Agent silent vm-2 @120");
  });

  it("counts no silence before the contract was taken over", () => {
    const { sink, engine } = setup();
    engine.watchedFrom(["K2"], T0 + 100 * S);
    engine.sweep(T0 + 121 * S);
    expect(sink.events).toEqual(["fire Agent silent vm-1 @120"]);
    const vm2 = () => sink.events.filter((e) => e.includes("vm-2"));
    engine.sweep(T0 + 219 * S);
    expect(vm2()).toEqual([]);
    engine.sweep(T0 + 221 * S);
    expect(vm2()).toEqual(["fire Agent silent vm-2 @220"]);
  });
});

describe("a contract released to another collector", () => {
  it("leaves this collector with none of its series or rule state, and comes back fresh", () => {
    const { sink, engine } = setup();
    const pipeline = new IngestPipeline({ rules: engine, maxFutureMs: 365 * 86_400_000 });
    const push = (comp: string, contractId: string, sec: number) =>
      pipeline.ingestJsonBatch(
        { kind: "component", componentId: comp, cap: 1000, contractId },
        {
          version: 1,
          agent: { name: "msp-agent", version: "0.1.0" },
          os: "linux",
          host: comp,
          series: [
            { name: "up", labels: {}, samples: [[T0 + sec * S, 1]] },
            { name: "node_load1", labels: {}, samples: [[T0 + sec * S, 0.5]] },
          ],
        },
        T0 + sec * S,
      );
    const held = new Set(["K1", "K2"]);
    engine.judgeOnly((c) => held.has(c));
    push("vm-1", "K1", 10);
    push("vm-2", "K2", 10);

    held.delete("K2");
    expect(pipeline.removeContracts(new Set(["K2"]))).toBe(2);
    expect(engine.forgetContracts(new Set(["K2"]))).toBe(1);
    expect(pipeline.listSeries("vm-2")).toEqual([]);
    expect(pipeline.listSeries("vm-1")).toHaveLength(2);
    // Their open minute is not lost: the next flush writes it.
    const rows = pipeline.drainRollups(Number.POSITIVE_INFINITY);
    const drained = Array.from({ length: rows.length }, (_, i) => rows.row(i).componentId);
    expect(drained.filter((c) => c === "vm-2")).toHaveLength(2);

    // vm-1 goes on as before (its series re-bind after the generation moved on).
    push("vm-1", "K1", 60);
    // Held again without a takeover's restore, vm-2 is unknown here: nothing to judge.
    held.add("K2");
    engine.sweep(T0 + 150 * S);
    expect(sink.events).toEqual([]);
    engine.sweep(T0 + 181 * S);
    expect(sink.events).toEqual(["fire Agent silent vm-1 @180"]);

    // Taken again: rebuilt as after any takeover, watched from then.
    engine.watchedFrom(["K2"], T0 + 200 * S);
    engine.restore(new Map([["vm-2", T0 + 10 * S]]), []);
    engine.sweep(T0 + 319 * S);
    expect(sink.events.filter((e) => e.includes("vm-2"))).toEqual([]);
    engine.sweep(T0 + 321 * S);
    expect(sink.events.at(-1)).toBe("fire Agent silent vm-2 @320");
    // A push for the contract builds its series anew.
    push("vm-2", "K2", 330);
    expect(pipeline.listSeries("vm-2")).toHaveLength(2);
    expect(sink.events.at(-1)).toBe("clear vm-2 @330");
  });
});
