// The manual incident verbs on in-memory stores with a fixed clock: each changes the row,
// records its timeline entry, writes its audit row, and is refused across tenants and from
// the wrong state without changing anything.
import { describe, expect, it } from "vitest";
import { acknowledgeIncident } from "./acknowledge-incident.js";
import { annotateIncident } from "./annotate-incident.js";
import { declareOutage } from "./declare-outage.js";
import { escalateIncident } from "./escalate-incident.js";
import { reopenIncident } from "./reopen-incident.js";
import { resolveIncident } from "./resolve-incident.js";
import { rejection, T0, world } from "./testing/harness.js";

function routedWorld(plan = "standard") {
  const w = world();
  const contract = w.contract(plan);
  const noc = w.user("noc");
  const first = [w.user("oncall"), w.user("oncall")];
  const second = [w.user("oncall")];
  w.rotation("first", first);
  w.rotation("second", second);
  const tier = { standard: "first_line", advanced: "second_line", premium: "runbook" }[plan];
  const incident = w.incident(contract.id, {
    tier: tier ?? "watch",
    routedAt: T0,
    assigneeId: first[0]!.id,
    escalateAt: new Date(T0.getTime() + 15 * 60_000),
  });
  return { w, contract, noc, first, second, incident };
}

describe(acknowledgeIncident.name, () => {
  it("acknowledges an open incident, stops escalation and audits it", async () => {
    const { w, noc, incident } = routedWorld();
    w.clock.advance(60_000);
    const after = await acknowledgeIncident(w.deps, w.actor(noc), incident.id, { note: "on it" });
    expect(after).toMatchObject({
      state: "acknowledged",
      acknowledgedBy: noc.id,
      acknowledgedAt: new Date(T0.getTime() + 60_000),
      escalateAt: null,
      version: 2,
    });
    expect(w.row(incident.id).state).toBe("acknowledged");
    expect(w.kinds(incident.id)).toEqual(["acknowledged"]);
    expect(w.db.tables.events[0]).toMatchObject({ note: "on it", actorName: noc.displayName });
    expect(w.db.tables.audit).toMatchObject([
      {
        action: "incident.acknowledge",
        entityId: incident.id,
        before: { state: "open", version: 1 },
        after: { state: "acknowledged", version: 2 },
      },
    ]);
  });

  it("refuses a second acknowledge as a CONFLICT and changes nothing", async () => {
    const { w, noc, incident } = routedWorld();
    await acknowledgeIncident(w.deps, w.actor(noc), incident.id, {});
    const err = await rejection(acknowledgeIncident(w.deps, w.actor(noc), incident.id, {}));
    expect(err).toMatchObject({ code: "CONFLICT", message: "incident is already acknowledged" });
    expect(w.kinds(incident.id)).toEqual(["acknowledged"]);
    expect(w.db.tables.audit).toHaveLength(1);
    expect(w.told.afterCommit.map((c) => c.kind)).toEqual(["acknowledged"]);
  });

  it("refuses when a concurrent acknowledgement won between the read and the write", async () => {
    const { w, noc, incident } = routedWorld();
    const store = w.deps.incidents;
    // The row as read before the other acknowledgement committed: still open.
    const stale = { ...incident };
    w.row(incident.id).state = "acknowledged";
    w.deps.incidents = { ...store, lock: () => Promise.resolve({ ...stale }) };
    const err = await rejection(acknowledgeIncident(w.deps, w.actor(noc), incident.id, {}));
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect(w.db.tables.events).toEqual([]);
  });

  it("rejects another contract's customer as NOT_FOUND", async () => {
    const { w, incident } = routedWorld();
    const other = w.contract("standard");
    const stranger = w.user("customer", { contractId: other.id });
    const err = await rejection(acknowledgeIncident(w.deps, w.actor(stranger), incident.id, {}));
    expect(err.code).toBe("NOT_FOUND");
    expect(w.row(incident.id).state).toBe("open");
    expect(w.db.tables.events).toEqual([]);
  });

  it("lets the incident's own customer acknowledge", async () => {
    const { w, contract, incident } = routedWorld();
    const customer = w.user("customer", { contractId: contract.id });
    const after = await acknowledgeIncident(w.deps, w.actor(customer), incident.id, {});
    expect(after.acknowledgedBy).toBe(customer.id);
  });
});

/** The routed incident holds the contract's first unit of March. */
function takeUnit(w: ReturnType<typeof routedWorld>["w"], contractId: string, incidentId: string) {
  w.db.tables.units.push({
    id: "u1",
    contractId,
    incidentId,
    month: "2026-03",
    ordinal: 1,
    overage: false,
    takenAt: T0,
    releasedAt: null,
  });
  w.row(incidentId).countsQuota = true;
}

describe(resolveIncident.name, () => {
  it("gives the quota unit back for a false alarm closed before acknowledgement", async () => {
    const { w, noc, contract, incident } = routedWorld();
    takeUnit(w, contract.id, incident.id);
    const after = await resolveIncident(w.deps, w.actor(noc), incident.id, {
      reason: "sensor glitch",
      falseAlarm: true,
    });
    expect(after).toMatchObject({
      state: "resolved",
      resolution: "false_alarm",
      countsQuota: false,
      resolvedBy: noc.id,
    });
    expect(w.db.tables.units[0]!.releasedAt).toEqual(T0);
    expect(await w.deps.quota.used(contract.id, "2026-03")).toBe(0);
    expect(w.db.tables.events.at(-1)).toMatchObject({
      kind: "resolved",
      data: { falseAlarm: true, quotaReleased: true },
    });
    // Its members leave with it: a new fire opens or reopens, it does not join.
    expect(w.db.tables.members.filter((m) => m.incidentId === incident.id && m.active)).toEqual([]);
  });

  it("keeps the unit of an acknowledged false alarm and restores its declared outage", async () => {
    const { w, noc, contract, incident } = routedWorld();
    takeUnit(w, contract.id, incident.id);
    await acknowledgeIncident(w.deps, w.actor(noc), incident.id, {});
    await declareOutage(w.deps, w.actor(noc), incident.id, { scope: "service" });
    w.clock.advance(30 * 60_000);
    const after = await resolveIncident(w.deps, w.actor(noc), incident.id, {
      reason: "done",
      falseAlarm: true,
    });
    expect(after.countsQuota).toBe(true);
    expect(w.db.tables.units[0]!.releasedAt).toBeNull();
    const outage = w.db.tables.outages.get(after.outageId!)!;
    expect(outage.restoredAt).toEqual(new Date(T0.getTime() + 30 * 60_000));
  });

  it("refuses to resolve a resolved incident", async () => {
    const { w, noc, incident } = routedWorld();
    await resolveIncident(w.deps, w.actor(noc), incident.id, { reason: "fixed" });
    const err = await rejection(
      resolveIncident(w.deps, w.actor(noc), incident.id, { reason: "again" }),
    );
    expect(err).toMatchObject({
      code: "CONFLICT",
      message: "incident is resolved; cannot resolve",
    });
  });
});

describe(escalateIncident.name, () => {
  it("pages the next first-line person, then stops where the Standard plan stops", async () => {
    const { w, noc, first, incident } = routedWorld("standard");
    const after = await escalateIncident(w.deps, w.actor(noc), incident.id, { note: "slow" });
    expect(after).toMatchObject({ escalationLevel: 1, assigneeId: first[1]!.id });
    expect(w.told.afterCommit.at(-1)).toMatchObject({
      kind: "escalated",
      page: { userId: first[1]!.id, line: "first", level: 1 },
    });
    const err = await rejection(escalateIncident(w.deps, w.actor(noc), incident.id, {}));
    expect(err).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "the plan allows no further escalation",
    });
  });

  it("reaches second line on the Advanced plan", async () => {
    const { w, noc, second, incident } = routedWorld("advanced");
    await escalateIncident(w.deps, w.actor(noc), incident.id, {});
    const after = await escalateIncident(w.deps, w.actor(noc), incident.id, {});
    expect(after).toMatchObject({ escalationLevel: 2, assigneeId: second[0]!.id });
  });

  it("has nothing to escalate to for a watch-only incident", async () => {
    const { w, noc, incident } = routedWorld("entry");
    const err = await rejection(escalateIncident(w.deps, w.actor(noc), incident.id, {}));
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(err.message).toContain("watch incident has no on-call response");
  });
});

describe(reopenIncident.name, () => {
  it("reopens, takes back the unit a false alarm released, and pages first line again", async () => {
    const { w, noc, first, contract, incident } = routedWorld();
    takeUnit(w, contract.id, incident.id);
    await resolveIncident(w.deps, w.actor(noc), incident.id, { reason: "x", falseAlarm: true });
    w.clock.advance(5 * 60_000);
    const after = await reopenIncident(w.deps, w.actor(noc), incident.id, { note: "back" });
    expect(after).toMatchObject({
      state: "open",
      reopenCount: 1,
      countsQuota: true,
      assigneeId: first[0]!.id,
      escalationLevel: 0,
    });
    expect(w.db.tables.units).toMatchObject([{ id: "u1", releasedAt: null, ordinal: 1 }]);
    expect(w.kinds(incident.id)).toEqual(["resolved", "reopened", "paged"]);
    expect(w.db.tables.members.find((m) => m.incidentId === incident.id)?.active).toBe(true);
  });

  it("refuses while a newer incident of the same rule and component is open", async () => {
    const { w, noc, contract, incident } = routedWorld();
    await resolveIncident(w.deps, w.actor(noc), incident.id, { reason: "x" });
    w.incident(contract.id, { componentId: incident.componentId, ruleId: incident.ruleId });
    const err = await rejection(reopenIncident(w.deps, w.actor(noc), incident.id, { note: "?" }));
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect(w.row(incident.id).state).toBe("resolved");
  });

  it("refuses to reopen an open incident", async () => {
    const { w, noc, incident } = routedWorld();
    const err = await rejection(reopenIncident(w.deps, w.actor(noc), incident.id, { note: "?" }));
    expect(err).toMatchObject({ code: "CONFLICT", message: "incident is not resolved" });
  });
});

describe(annotateIncident.name, () => {
  it("keeps staff notes internal by default and customers' notes visible", async () => {
    const { w, noc, contract, incident } = routedWorld();
    const customer = w.user("customer", { contractId: contract.id });
    await annotateIncident(w.deps, w.actor(noc), incident.id, { note: "checking disks" });
    await annotateIncident(w.deps, w.actor(customer), incident.id, {
      note: "we restarted it",
      customerVisible: false,
    });
    expect(w.db.tables.events.map((e) => [e.note, e.customerVisible])).toEqual([
      ["checking disks", false],
      ["we restarted it", true],
    ]);
    expect(w.row(incident.id).version).toBe(1);
  });

  it("rejects another contract's customer", async () => {
    const { w, incident } = routedWorld();
    const stranger = w.user("customer", { contractId: w.contract("entry").id });
    const err = await rejection(
      annotateIncident(w.deps, w.actor(stranger), incident.id, { note: "hello" }),
    );
    expect(err.code).toBe("NOT_FOUND");
    expect(w.db.tables.events).toEqual([]);
  });
});

describe(declareOutage.name, () => {
  it("records an outage known from the detection time, audited, once", async () => {
    const { w, noc, incident } = routedWorld();
    w.clock.advance(10 * 60_000);
    const after = await declareOutage(w.deps, w.actor(noc), incident.id, { scope: "managed" });
    const outage = w.db.tables.outages.get(after.outageId!)!;
    expect(outage).toMatchObject({
      contractId: incident.contractId,
      scope: "managed",
      cause: null,
      knownAt: T0,
      restoredAt: null,
      incidentId: incident.id,
      createdBy: noc.id,
    });
    expect(w.db.tables.audit.map((a) => a.action)).toEqual([
      "outage.create",
      "incident.declare_outage",
    ]);
    expect(w.told.afterCommit.map((c) => c.kind)).toEqual(["outage_declared"]);
    const err = await rejection(
      declareOutage(w.deps, w.actor(noc), incident.id, { scope: "managed" }),
    );
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect(w.db.tables.outages.size).toBe(1);
  });
});
