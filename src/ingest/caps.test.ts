import { describe, expect, it } from "vitest";
import { capFor, CapGate, type CapReachedEvent, type CapState } from "./caps.js";

const state = (cap = 200, active = 0): CapState => ({ id: "vm-1", cap, active, armed: true });
const noReclaim = () => {};

describe(CapGate.name, () => {
  it("computes the cap from relaxation steps", () => {
    expect([0, 1, 3].map((n) => capFor(n))).toEqual([200, 400, 800]);
    expect(capFor(2, { baseSeries: 100, seriesPerStep: 50 })).toBe(200);
    expect(() => capFor(-1)).toThrow(RangeError);
  });

  it("admits up to the cap and raises one event until the component drops below it", () => {
    const events: CapReachedEvent[] = [];
    const gate = new CapGate((e) => events.push(e));
    const c = state(2);
    expect(gate.admit(c, 1, noReclaim)).toBe(true);
    c.active++;
    expect(gate.admit(c, 2, noReclaim)).toBe(true);
    c.active++;
    expect([gate.admit(c, 3, noReclaim), gate.admit(c, 4, noReclaim)]).toEqual([false, false]);
    expect(events).toEqual([{ componentId: "vm-1", cap: 2, activeSeries: 2, atMs: 3 }]);
    c.active--; // a series went stale
    gate.settle(c);
    expect(gate.admit(c, 5, noReclaim)).toBe(true);
    c.active++;
    expect(gate.admit(c, 6, noReclaim)).toBe(false);
    expect(events.map((e) => e.atMs)).toEqual([3, 6]);
  });

  it("asks the caller to reclaim stale slots before refusing", () => {
    const gate = new CapGate();
    const c = state(1, 1);
    expect(gate.admit(c, 10, (s) => void (s.active = 0))).toBe(true);
  });

  it("re-arms on a relaxation", () => {
    const events: CapReachedEvent[] = [];
    const gate = new CapGate((e) => events.push(e));
    const c = state(1, 1);
    gate.admit(c, 1, noReclaim);
    gate.setCap(c, 3);
    expect(c.armed).toBe(true);
    c.active = 3;
    gate.admit(c, 2, noReclaim);
    expect(events.map((e) => e.cap)).toEqual([1, 3]);
  });
});
