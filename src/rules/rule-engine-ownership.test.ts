import { describe, expect, it } from "vitest";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import type { Alert, AlertKey, AlertSink } from "../incidents/alerts.js";
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
