// Routing by plan (SPEC 2, 4) with the monthly response quota, paging on call, and the
// timers, on in-memory stores with a fixed clock.
import { describe, expect, it } from "vitest";
import type { IncidentEntity } from "../db/entities/index.js";
import { runIncidentTimers } from "./incident-timers.js";
import { incidentTx } from "./incident-tx.js";
import { routeIncidentNow } from "./route-incident.js";
import { T0, world, type World } from "./testing/harness.js";

const route = (w: World, incident: IncidentEntity, at = w.clock.now()) =>
  incidentTx(w.deps, (tx, changes) => routeIncidentNow(w.deps, tx, { ...incident }, at, changes));

function staffed(w: World) {
  const first = [w.user("oncall"), w.user("oncall")];
  const second = [w.user("oncall")];
  w.rotation("first", first);
  w.rotation("second", second);
  return { first, second };
}

describe(routeIncidentNow.name, () => {
  it.each([
    ["entry", true, "watch", false],
    ["standard", false, "watch", false],
    ["standard", true, "first_line", true],
    ["advanced", true, "second_line", true],
    ["premium", true, "runbook", true],
  ] as const)(
    "routes a %s incident (runbook on file: %s) to %s",
    async (plan, runbook, tier, human) => {
      const w = world();
      staffed(w);
      const contract = w.contract(plan);
      if (runbook) w.db.tables.incidentRunbooks.add(contract.id);
      const incident = w.incident(contract.id);
      const after = await route(w, incident);
      expect(after).toMatchObject({ tier, routedAt: T0, countsQuota: human });
      expect(w.row(incident.id).tier).toBe(tier);
      expect(await w.deps.quota.used(contract.id, "2026-03")).toBe(human ? 1 : 0);
      expect(w.kinds(incident.id)).toEqual(human ? ["routed", "paged"] : ["routed"]);
      expect(w.row(incident.id).runbookMissing).toBe(plan === "standard" && !runbook);
    },
  );

  it("counts the 4th response of a JST month as overage and says so once on its timeline", async () => {
    const w = world();
    staffed(w);
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const routed: IncidentEntity[] = [];
    for (let i = 0; i < 4; i++) routed.push(await route(w, w.incident(contract.id)));
    expect(routed.map((r) => r.overage)).toEqual([false, false, false, true]);
    expect(w.db.tables.units.map((u) => u.ordinal)).toEqual([1, 2, 3, 4]);
    expect(w.kinds(routed[3]!.id)).toEqual(["routed", "quota_overage", "paged"]);
    expect(w.db.tables.events.find((e) => e.kind === "quota_overage")?.note).toBe(
      "response 4 this month exceeds the quota of 3",
    );
    // Another contract's quota is its own.
    const other = w.contract("standard");
    w.db.tables.incidentRunbooks.add(other.id);
    expect((await route(w, w.incident(other.id))).overage).toBe(false);
  });

  it("starts a new quota month at JST midnight, not UTC midnight", async () => {
    const w = world();
    staffed(w);
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    for (let i = 0; i < 3; i++) await route(w, w.incident(contract.id));
    // 2026-03-31T15:00Z is April 1st 00:00 in Japan.
    const april = await route(w, w.incident(contract.id), new Date("2026-03-31T15:00:00Z"));
    expect(april.overage).toBe(false);
    expect(w.db.tables.units.at(-1)).toMatchObject({ month: "2026-04", ordinal: 1 });
  });

  it("takes no unit twice for one incident", async () => {
    const w = world();
    staffed(w);
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const first = await route(w, w.incident(contract.id));
    await route(w, first);
    expect(w.db.tables.units).toMatchObject([{ incidentId: first.id, ordinal: 1 }]);
    const routed = w.db.tables.events.filter((e) => e.kind === "routed");
    expect(
      routed.map((e) => (e.data.quota as { ordinal: number } | null)?.ordinal ?? null),
    ).toEqual([1, null]);
  });

  it("leaves a suspended contract's incident unrouted: nobody paged, nothing taken", async () => {
    const w = world();
    staffed(w);
    const contract = w.contract("premium", {
      suspendedFrom: new Date(T0.getTime() - 1),
      suspensionKind: "restriction",
    });
    w.db.tables.incidentRunbooks.add(contract.id);
    const incident = w.incident(contract.id);
    const after = await route(w, incident);
    expect(after.routedAt).toBeNull();
    expect(w.db.tables.units).toEqual([]);
    expect(w.db.tables.events).toEqual([]);
  });

  it("pages whoever is on first-line call, skipping a disabled engineer", async () => {
    const w = world();
    const { first } = staffed(w);
    w.db.tables.users.get(first[0]!.id)!.disabledAt = T0;
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const after = await route(w, w.incident(contract.id));
    expect(after).toMatchObject({
      assigneeId: first[1]!.id,
      escalationLevel: 1,
      escalateAt: new Date(T0.getTime() + 15 * 60_000),
    });
    const paged = w.told.afterCommit.find((c) => c.kind === "paged")!;
    expect(paged.page).toMatchObject({ userId: first[1]!.id, email: first[1]!.email, level: 1 });
    expect(paged.event.customerVisible).toBe(false);
  });

  it("records that nobody could be paged when no rotation is staffed", async () => {
    const w = world();
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const incident = w.incident(contract.id);
    const after = await route(w, incident);
    expect(after).toMatchObject({ assigneeId: null, escalateAt: null, countsQuota: true });
    expect(w.db.tables.events.at(-1)).toMatchObject({
      kind: "paged",
      note: "nobody further to page",
    });
  });
});

describe(runIncidentTimers.name, () => {
  it("escalates a page not acknowledged in time to the next person", async () => {
    const w = world();
    const { first } = staffed(w);
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const incident = await route(w, w.incident(contract.id));
    w.clock.advance(14 * 60_000);
    expect(await runIncidentTimers(w.deps, w.clock.now())).toBe(0);
    w.clock.advance(60_000);
    expect(await runIncidentTimers(w.deps, w.clock.now())).toBe(1);
    expect(w.row(incident.id)).toMatchObject({ escalationLevel: 1, assigneeId: first[1]!.id });
  });

  it("routes an incident held by maintenance once the window has ended", async () => {
    const w = world();
    staffed(w);
    const contract = w.contract("standard");
    w.db.tables.incidentRunbooks.add(contract.id);
    const incident = w.incident(contract.id, { suppressed: true });
    w.db.tables.windows.push({
      id: "w1",
      contractId: contract.id,
      componentId: null,
      startsAt: new Date(T0.getTime() - 60_000),
      endsAt: new Date(T0.getTime() + 30 * 60_000),
    });
    w.clock.advance(20 * 60_000);
    expect(await runIncidentTimers(w.deps, w.clock.now())).toBe(0);
    expect(w.row(incident.id).routedAt).toBeNull();
    w.clock.advance(10 * 60_000);
    expect(await runIncidentTimers(w.deps, w.clock.now())).toBe(1);
    expect(w.row(incident.id)).toMatchObject({ tier: "first_line", suppressed: false });
    expect(w.kinds(incident.id)).toEqual(["routed", "paged"]);
  });
});
