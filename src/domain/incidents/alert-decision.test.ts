import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coalesce,
  decideAlerts,
  groupString,
  keyString,
  type AlertOp,
  type DecisionInput,
  type Effect,
  type IncidentSnapshot,
  type PendingAlert,
} from "./alert-decision.js";

const C = "contract-1";
const R = "rule-1";
const key = (component: string, labelsKey = "", ruleId = R) => ({
  componentId: component,
  ruleId,
  labelsKey,
});
const fire = (atMs: number, repeats = 0): AlertOp => ({ kind: "fire", atMs, value: 1, repeats });
const clear = (atMs: number): AlertOp => ({ kind: "clear", atMs });
const policy = { reopenWindowMs: 30 * 60_000, groupWindowMs: 60_000, groupMinMembers: 5 };

function input(pending: PendingAlert[], over: Partial<DecisionInput> = {}): DecisionInput {
  let n = 0;
  return {
    pending,
    incidents: new Map(),
    membership: new Map(),
    groups: new Map(),
    monitored: () => true,
    policy,
    newId: () => `new-${++n}`,
    ...over,
  };
}
const kinds = (effects: Effect[]) => effects.map((e) => e.kind);

describe(decideAlerts.name, () => {
  it("opens one incident for a storm of one rule on 200 components, the rest join it", () => {
    const pending = Array.from({ length: 200 }, (_, i) => ({
      key: key(`vm-${i}`),
      contractId: C,
      ops: [fire(1_000 + i)],
    }));
    const effects = decideAlerts(input(pending));
    expect(effects.filter((e) => e.kind === "open")).toHaveLength(1);
    expect(effects.filter((e) => e.kind === "join")).toHaveLength(199);
    expect(new Set(effects.map((e) => e.incidentId))).toEqual(new Set(["new-1"]));
  });

  it("keeps rules and contracts apart", () => {
    const effects = decideAlerts(
      input([
        { key: key("a"), contractId: C, ops: [fire(0)] },
        { key: key("b", "", "rule-2"), contractId: C, ops: [fire(0)] },
        { key: key("c"), contractId: "contract-2", ops: [fire(0)] },
      ]),
    );
    expect(kinds(effects)).toEqual(["open", "open", "open"]);
  });

  it("joins a small incident only within the window, a group at any time while unresolved", () => {
    const small = snapshot({ id: "i-small", openedAtMs: 0, activeMembers: 2, membersTotal: 2 });
    const late = decideAlerts(
      input([{ key: key("x"), contractId: C, ops: [fire(61_000)] }], {
        incidents: new Map([[small.id, small]]),
        groups: new Map([[groupString(C, R), small.id]]),
      }),
    );
    expect(kinds(late)).toEqual(["open"]);

    const group = snapshot({ id: "i-group", openedAtMs: 0, activeMembers: 5, membersTotal: 5 });
    const joined = decideAlerts(
      input([{ key: key("x"), contractId: C, ops: [fire(3_600_000)] }], {
        incidents: new Map([[group.id, group]]),
        groups: new Map([[groupString(C, R), group.id]]),
      }),
    );
    expect(joined).toMatchObject([{ kind: "join", incidentId: "i-group" }]);
  });

  it("never groups with a window of 0", () => {
    const pending = ["a", "b"].map((c) => ({ key: key(c), contractId: C, ops: [fire(0)] }));
    const effects = decideAlerts(input(pending, { policy: { ...policy, groupWindowMs: 0 } }));
    expect(kinds(effects)).toEqual(["open", "open"]);
  });

  it("lets members leave and resolves with the last one", () => {
    const inc = snapshot({ id: "i", activeMembers: 2, membersTotal: 2 });
    const membership = new Map([
      [keyString(key("a")), { incidentId: "i", active: true }],
      [keyString(key("b")), { incidentId: "i", active: true }],
    ]);
    const effects = decideAlerts(
      input(
        [
          { key: key("a"), contractId: C, ops: [clear(10)] },
          { key: key("b"), contractId: C, ops: [clear(20)] },
        ],
        { incidents: new Map([["i", inc]]), membership },
      ),
    );
    expect(kinds(effects)).toEqual(["leave", "resolve"]);
  });

  it("opens and resolves a breach that cleared before it was applied", () => {
    const effects = decideAlerts(
      input([{ key: key("a"), contractId: C, ops: [fire(0), clear(5)] }]),
    );
    expect(kinds(effects)).toEqual(["open", "resolve"]);
  });

  it("reopens within the reopen window, but never a false alarm, and opens anew after it", () => {
    const resolved = (resolution: string) =>
      snapshot({ id: "i", state: "resolved", resolution, resolvedAtMs: 0, activeMembers: 0 });
    const membership = new Map([[keyString(key("a")), { incidentId: "i", active: false }]]);
    const at = (ms: number, resolution = "auto") =>
      kinds(
        decideAlerts(
          input([{ key: key("a"), contractId: C, ops: [fire(ms)] }], {
            incidents: new Map([["i", resolved(resolution)]]),
            membership,
          }),
        ),
      );
    expect(at(30 * 60_000)).toEqual(["reopen"]);
    expect(at(30 * 60_000 + 1)).toEqual(["open"]);
    expect(at(1_000, "false_alarm")).toEqual(["open"]);
  });

  it("brings back a member of an incident still open for others", () => {
    const inc = snapshot({ id: "i", activeMembers: 1, membersTotal: 2 });
    const membership = new Map([[keyString(key("a")), { incidentId: "i", active: false }]]);
    const effects = decideAlerts(
      input([{ key: key("a"), contractId: C, ops: [fire(5)] }], {
        incidents: new Map([["i", inc]]),
        membership,
      }),
    );
    expect(effects).toMatchObject([{ kind: "rejoin", incidentId: "i" }]);
  });

  it("opens nothing for a component that is not monitored", () => {
    const effects = decideAlerts(
      input([{ key: key("a"), contractId: C, ops: [fire(0)] }], { monitored: () => false }),
    );
    expect(effects).toEqual([]);
  });

  it("keeps every key a member of at most one unresolved incident, and counts right", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("fire" as const),
        atMs: fc.nat(600_000),
        value: fc.constant(1),
        repeats: fc.nat(3),
      }),
      fc.record({ kind: fc.constant("clear" as const), atMs: fc.nat(600_000) }),
    );
    const alert = fc.record({
      component: fc.constantFrom("a", "b", "c", "d"),
      ruleId: fc.constantFrom("r1", "r2"),
      ops: fc.array(op, { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(alert, { maxLength: 30 }), (alerts) => {
        const pending = alerts.map((a) => ({
          key: key(a.component, "", a.ruleId),
          contractId: C,
          ops: a.ops,
        }));
        const effects = decideAlerts(input(pending));
        // Replay: active members per incident never negative; resolve only with the last.
        const active = new Map<string, Set<string>>();
        const where = new Map<string, string>();
        for (const e of effects) {
          const k = keyString(e.key);
          const set = active.get(e.incidentId) ?? new Set<string>();
          active.set(e.incidentId, set);
          switch (e.kind) {
            case "open":
            case "join":
            case "rejoin":
            case "reopen":
              expect(where.has(k) && active.get(where.get(k)!)!.has(k)).toBe(false);
              set.add(k);
              where.set(k, e.incidentId);
              break;
            case "repeat":
              expect(set.has(k)).toBe(true);
              break;
            case "leave":
              expect(set.delete(k)).toBe(true);
              expect(set.size).toBeGreaterThan(0);
              break;
            case "resolve":
              expect(set.delete(k)).toBe(true);
              expect(set.size).toBe(0);
              break;
          }
        }
      }),
    );
  });
});

describe(coalesce.name, () => {
  it("merges repeated fires into one with the first time, the last value and a count", () => {
    const ops = coalesce([fire(1)], { kind: "fire", atMs: 9, value: 7, repeats: 0 });
    expect(ops).toEqual([{ kind: "fire", atMs: 1, value: 7, repeats: 1 }]);
  });

  it("keeps a fire that cleared, and never grows past three ops", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), (flips) => {
        let ops: AlertOp[] = [];
        for (const [i, f] of flips.entries()) ops = coalesce(ops, f ? fire(i) : clear(i));
        expect(ops.length).toBeLessThanOrEqual(3);
        // The first op and where the condition stands now are never lost.
        expect(ops[0]!.kind).toBe(flips[0] ? "fire" : "clear");
        expect(ops[ops.length - 1]!.kind).toBe(flips[flips.length - 1] ? "fire" : "clear");
      }),
    );
  });
});

function snapshot(over: Partial<IncidentSnapshot>): IncidentSnapshot {
  return {
    id: "i",
    contractId: C,
    ruleId: R,
    state: "open",
    resolution: null,
    resolvedAtMs: null,
    openedAtMs: 0,
    activeMembers: 1,
    membersTotal: 1,
    ...over,
  };
}
