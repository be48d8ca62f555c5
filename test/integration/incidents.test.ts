import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, clear, fire, incidentsOf, uploadIncidentRunbook } from "../support/incidents.js";

const MIN = 60_000;
const kinds = (detail: any) => detail.timeline.map((e: any) => e.kind);

describe("incident engine", () => {
  let app: TestApp;
  const oncall = {} as Record<"first" | "next" | "second", { user: any; token: string }>;

  const contractOf = async (plan: string, withRunbook = true) => {
    const { contract, components } = await makeContract(app.api, { plan });
    if (withRunbook) await uploadIncidentRunbook(app, contract.id);
    return { contractId: contract.id as string, componentId: components[0].id as string };
  };
  const detail = async (id: string, token?: string) =>
    (await app.api("get", `/incidents/${id}`, token ? { token } : {})).body;
  const quota = async (contractId: string) =>
    (await app.api("get", `/contracts/${contractId}/quota?month=2026-11`)).body;
  const relogin = async () => {
    const { email, password } = app.platform.bootstrapAdmin!;
    app.adminToken = (
      await app.api("post", "/auth/login", { token: null, body: { email, password } })
    ).body.token;
  };

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2026-11-20T03:00:00Z") });
    oncall.first = await makeUser(app.api, "oncall");
    oncall.next = await makeUser(app.api, "oncall");
    oncall.second = await makeUser(app.api, "oncall");
    const rotation = (line: string, members: string[]) =>
      app.api("post", "/oncall/rotations", {
        body: {
          name: `${line} line`,
          line,
          memberIds: members,
          startsAt: "2026-11-01T00:00:00Z",
          shiftHours: 24 * 31,
        },
      });
    expect((await rotation("first", [oncall.first.user.id, oncall.next.user.id])).status).toBe(201);
    expect((await rotation("second", [oncall.second.user.id])).status).toBe(201);
  });
  afterAll(() => app?.stop());

  describe("routing by plan", () => {
    it.each([
      ["entry", "watch", false],
      ["standard", "first_line", true],
      ["advanced", "second_line", true],
      ["premium", "runbook", true],
    ])("routes a %s contract's incident to %s", async (plan, tier, human) => {
      const target = await contractOf(plan);
      await fire(app, alertFor(app, target));
      const [incident] = await incidentsOf(app, target.contractId);
      expect(incident).toMatchObject({ state: "open", tier, runbookMissing: false, plan });
      expect(incident.countsQuota).toBe(human);
      expect(incident.assigneeId).toBe(human ? oncall.first.user.id : null);
      expect((await quota(target.contractId)).used).toBe(human ? 1 : 0);
      const timeline = kinds(await detail(incident.id));
      expect(timeline).toEqual(human ? ["opened", "routed", "paged"] : ["opened", "routed"]);
    });

    it("watches only, and flags it, when the plan's incident runbook is missing", async () => {
      const target = await contractOf("advanced", false);
      await fire(app, alertFor(app, target));
      const [incident] = await incidentsOf(app, target.contractId);
      expect(incident).toMatchObject({ tier: "watch", runbookMissing: true, countsQuota: false });
      expect(incident.assigneeId).toBeNull();
      expect((await quota(target.contractId)).used).toBe(0);
    });
  });

  describe("grouping and reopen", () => {
    it("joins repeats to the open incident without another quota unit", async () => {
      const target = await contractOf("standard");
      const alert = alertFor(app, target);
      await fire(app, alert);
      await fire(app, { ...alert, value: 0.99 });
      await fire(app, { ...alert, value: 0.98 });
      const incidents = await incidentsOf(app, target.contractId);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ repeatCount: 3, value: 0.98 });
      expect((await quota(target.contractId)).used).toBe(1);
    });

    it("auto-resolves on clear, reopens within the window, and opens anew after it", async () => {
      const target = await contractOf("standard");
      const alert = alertFor(app, target);
      await fire(app, alert);
      const clearedAt = app.clock.now().getTime() + 5 * MIN;
      await clear(app, alert, clearedAt);
      let [incident] = await incidentsOf(app, target.contractId);
      expect(incident).toMatchObject({ state: "resolved", resolution: "auto" });
      expect(incident.conditionClearedAt).toBe(new Date(clearedAt).toISOString());
      expect(incident.resolvedAt).toBe(new Date(clearedAt).toISOString());

      await fire(app, { ...alert, atMs: clearedAt + 29 * MIN });
      const again = await incidentsOf(app, target.contractId);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ id: incident.id, state: "open", reopenCount: 1 });
      expect((await quota(target.contractId)).used).toBe(1);

      await clear(app, alert, clearedAt + 30 * MIN);
      await fire(app, { ...alert, atMs: clearedAt + 61 * MIN });
      const later = await incidentsOf(app, target.contractId);
      expect(later).toHaveLength(2);
      [incident] = later;
      expect(incident.state).toBe("open");
      expect((await quota(target.contractId)).used).toBe(2);
    });

    it("keeps each label set (e.g. filesystem) a member, grouped only within the window", async () => {
      const target = await contractOf("entry");
      const ruleId = randomUUID();
      for (const mount of ["/", "/var", "/"]) {
        await fire(app, alertFor(app, target, { ruleId, labelsKey: `mountpoint=${mount}` }));
      }
      const [grouped] = await incidentsOf(app, target.contractId);
      expect(grouped).toMatchObject({ repeatCount: 2, memberCount: 2, membersTotal: 2 });
      app.clock.advance(2 * MIN);
      await fire(app, alertFor(app, target, { ruleId, labelsKey: "mountpoint=/data" }));
      const incidents = await incidentsOf(app, target.contractId);
      expect(incidents.map((i) => i.membersTotal).sort()).toEqual([1, 2]);
    });
  });

  describe("transitions", () => {
    it("refuses a second acknowledge and resolving a resolved incident", async () => {
      const target = await contractOf("standard");
      await fire(app, alertFor(app, target));
      const [{ id }] = await incidentsOf(app, target.contractId);
      const ack = await app.api("post", `/incidents/${id}/acknowledge`, {
        token: oncall.first.token,
        body: {},
      });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({
        state: "acknowledged",
        acknowledgedBy: oncall.first.user.id,
        escalateAt: null,
      });
      const twice = await app.api("post", `/incidents/${id}/acknowledge`, {
        token: oncall.next.token,
        body: {},
      });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toBe("incident is already acknowledged");
      const resolved = await app.api("post", `/incidents/${id}/resolve`, {
        body: { reason: "rebooted" },
      });
      expect(resolved.body).toMatchObject({
        state: "resolved",
        resolution: "manual",
        resolveNote: "rebooted",
      });
      const again = await app.api("post", `/incidents/${id}/resolve`, {
        body: { reason: "again" },
      });
      expect(again.status).toBe(409);
      const reopened = await app.api("post", `/incidents/${id}/reopen`, {
        body: { note: "came back" },
      });
      expect(reopened.body).toMatchObject({ state: "open", reopenCount: 1, acknowledgedAt: null });
      expect(kinds(await detail(id))).toEqual([
        "opened",
        "routed",
        "paged",
        "acknowledged",
        "resolved",
        "reopened",
        "paged",
      ]);
    });

    it("gives two simultaneous acknowledgements exactly one winner", async () => {
      const target = await contractOf("standard");
      await fire(app, alertFor(app, target));
      const [{ id }] = await incidentsOf(app, target.contractId);
      const results = await Promise.all(
        [oncall.first, oncall.next].map((o) =>
          app.api("post", `/incidents/${id}/acknowledge`, { token: o.token, body: {} }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    });

    it("lets a customer see and acknowledge its own incidents only", async () => {
      const mine = await contractOf("standard");
      const theirs = await contractOf("standard");
      await fire(app, alertFor(app, mine));
      await fire(app, alertFor(app, theirs));
      const customer = await makeUser(app.api, "customer", mine.contractId);
      const [own] = await incidentsOf(app, mine.contractId, customer.token);
      const all = await app.api("get", "/incidents", { token: customer.token });
      expect(all.body.items.every((i: any) => i.contractId === mine.contractId)).toBe(true);
      const [other] = await incidentsOf(app, theirs.contractId);
      for (const path of [`/incidents/${other.id}`]) {
        expect((await app.api("get", path, { token: customer.token })).status).toBe(404);
      }
      const foreignAck = await app.api("post", `/incidents/${other.id}/acknowledge`, {
        token: customer.token,
        body: {},
      });
      expect(foreignAck.status).toBe(404);
      const resolve = await app.api("post", `/incidents/${own.id}/resolve`, {
        token: customer.token,
        body: { reason: "x" },
      });
      expect(resolve.status).toBe(403);
      const ack = await app.api("post", `/incidents/${own.id}/acknowledge`, {
        token: customer.token,
        body: {},
      });
      expect(ack.status).toBe(200);
      // Nor the NOC's workings (issue 14): staff see escalation and repeats, customers do not.
      expect(ack.body).not.toHaveProperty("escalationLevel");
      const mineDetail = await detail(own.id, customer.token);
      for (const field of ["escalationLevel", "repeatCount", "assigneeId", "routedAt"]) {
        expect(mineDetail).not.toHaveProperty(field);
        expect(all.body.items[0]).not.toHaveProperty(field);
      }
      expect(mineDetail).toMatchObject({
        id: own.id,
        state: "acknowledged",
        severity: own.severity,
      });
      expect(await detail(own.id)).toHaveProperty("escalationLevel");
      // Internal entries (pages) are not shown in the customer portal.
      expect(kinds(await detail(own.id, customer.token))).toEqual([
        "opened",
        "routed",
        "acknowledged",
      ]);
      const quotaOther = await app.api("get", `/contracts/${theirs.contractId}/quota`, {
        token: customer.token,
      });
      expect(quotaOther.status).toBe(404);
    });

    it("names the field of a bad body", async () => {
      const target = await contractOf("standard");
      await fire(app, alertFor(app, target));
      const [{ id }] = await incidentsOf(app, target.contractId);
      const res = await app.api("post", `/incidents/${id}/resolve`, {
        body: { falseAlarm: "yes" },
      });
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i: any) => i.path).sort()).toEqual(["falseAlarm", "reason"]);
    });
  });

  describe("escalation", () => {
    it("escalates an unacknowledged page to the next person, then second line, and stops on acknowledge", async () => {
      const target = await contractOf("advanced");
      const t0 = app.clock.now().getTime();
      await fire(app, alertFor(app, target, { atMs: t0 }));
      const [{ id }] = await incidentsOf(app, target.contractId);
      const at = (min: number) => app.platform.incidents.runTimers(new Date(t0 + min * MIN));
      const state = async () => await detail(id);
      expect((await state()).escalateAt).toBe(new Date(t0 + 15 * MIN).toISOString());
      await at(14);
      expect((await state()).assigneeId).toBe(oncall.first.user.id);
      await at(15);
      expect(await state()).toMatchObject({ escalationLevel: 1, assigneeId: oncall.next.user.id });
      await at(30);
      expect(await state()).toMatchObject({
        escalationLevel: 2,
        assigneeId: oncall.second.user.id,
      });
      app.clock.set(new Date(t0 + 31 * MIN));
      await app.api("post", `/incidents/${id}/acknowledge`, {
        token: oncall.second.token,
        body: {},
      });
      await at(120);
      const after = await state();
      expect(after).toMatchObject({ state: "acknowledged", escalationLevel: 2, escalateAt: null });
      expect(kinds(after).filter((k: string) => k === "escalated")).toHaveLength(2);
      app.clock.set(new Date(t0));
    });

    it("does not escalate a first-line plan to second line", async () => {
      const target = await contractOf("standard");
      const t0 = app.clock.now().getTime();
      await fire(app, alertFor(app, target, { atMs: t0 }));
      const [{ id }] = await incidentsOf(app, target.contractId);
      await app.platform.incidents.runTimers(new Date(t0 + 15 * MIN));
      await app.platform.incidents.runTimers(new Date(t0 + 30 * MIN));
      const d = await detail(id);
      expect(d).toMatchObject({
        escalationLevel: 1,
        assigneeId: oncall.next.user.id,
        escalateAt: null,
      });
      expect(d.timeline.at(-1).note).toBe("nobody further to page");
      const manual = await app.api("post", `/incidents/${id}/escalate`, { body: {} });
      expect(manual.status).toBe(412);
    });
  });

  describe("response quota", () => {
    it("marks the 4th response of the month as overage and reports used/remaining", async () => {
      const target = await contractOf("standard");
      const t0 = app.clock.now().getTime();
      for (let i = 0; i < 4; i++) await fire(app, alertFor(app, target, { atMs: t0 + i }));
      const incidents = (await incidentsOf(app, target.contractId)).reverse();
      expect(incidents.map((i) => i.overage)).toEqual([false, false, false, true]);
      expect(kinds(await detail(incidents[3].id))).toContain("quota_overage");
      expect(await quota(target.contractId)).toEqual({
        month: "2026-11",
        quota: 3,
        used: 4,
        remaining: 0,
        overage: 1,
      });
    });

    it("gives the unit back for a false alarm closed before acknowledgement only", async () => {
      const target = await contractOf("standard");
      await fire(app, alertFor(app, target));
      await fire(app, alertFor(app, target));
      const [a, b] = await incidentsOf(app, target.contractId);
      await app.api("post", `/incidents/${a.id}/resolve`, {
        body: { reason: "sensor glitch", falseAlarm: true },
      });
      await app.api("post", `/incidents/${b.id}/acknowledge`, { body: {} });
      await app.api("post", `/incidents/${b.id}/resolve`, {
        body: { reason: "glitch", falseAlarm: true },
      });
      expect((await quota(target.contractId)).used).toBe(1);
    });

    it("lets exactly one of 10 concurrent incidents take the last unit", async () => {
      const target = await contractOf("standard");
      await fire(app, alertFor(app, target));
      await fire(app, alertFor(app, target));
      const alerts = Array.from({ length: 10 }, () => alertFor(app, target));
      for (const a of alerts) app.platform.incidents.fire(a);
      await app.platform.incidents.whenIdle();
      const incidents = await incidentsOf(app, target.contractId);
      expect(incidents).toHaveLength(12);
      expect(incidents.filter((i) => !i.overage)).toHaveLength(3);
      expect(await quota(target.contractId)).toMatchObject({ used: 12, overage: 9 });
      const ordinals = await app.platform.db.dataSource.query<{ ordinal: number }[]>(
        "SELECT ordinal FROM response_quota_units WHERE contract_id = $1 ORDER BY ordinal",
        [target.contractId],
      );
      expect(ordinals.map((r) => r.ordinal)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });
  });

  describe("maintenance windows", () => {
    it("evaluates but does not route inside a window, and routes at its end only if still failing", async () => {
      const target = await contractOf("standard");
      const t0 = app.clock.now().getTime();
      const window = await app.api("post", `/contracts/${target.contractId}/maintenance-windows`, {
        body: {
          startsAt: new Date(t0 - MIN).toISOString(),
          endsAt: new Date(t0 + 60 * MIN).toISOString(),
          reason: "kernel update",
        },
      });
      expect(window.status).toBe(201);
      const transient = alertFor(app, target, { atMs: t0 });
      const lasting = alertFor(app, target, { atMs: t0 + MIN });
      await fire(app, transient);
      await fire(app, lasting);
      await clear(app, transient, t0 + 10 * MIN);
      const held = await incidentsOf(app, target.contractId);
      expect(held.every((i) => i.suppressed && i.tier === null && !i.countsQuota)).toBe(true);
      await app.platform.incidents.runTimers(new Date(t0 + 30 * MIN));
      expect((await quota(target.contractId)).used).toBe(0);
      await app.platform.incidents.runTimers(new Date(t0 + 61 * MIN));
      const [routed, quiet] = await Promise.all(
        [lasting, transient].map(async (a) =>
          (await incidentsOf(app, target.contractId)).find((i) => i.ruleId === a.ruleId),
        ),
      );
      expect(routed).toMatchObject({ suppressed: false, tier: "first_line", countsQuota: true });
      expect(quiet).toMatchObject({ state: "resolved", suppressed: true, tier: null });
      expect((await quota(target.contractId)).used).toBe(1);
    });
  });

  describe("reopen during maintenance", () => {
    it("holds a reopened incident inside a window and pages at its end if still failing", async () => {
      const target = await contractOf("standard");
      const t0 = app.clock.now().getTime();
      const alert = alertFor(app, target, { atMs: t0 });
      await fire(app, alert);
      await clear(app, alert, t0 + MIN);
      const window = await app.api("post", `/contracts/${target.contractId}/maintenance-windows`, {
        body: {
          startsAt: new Date(t0 + MIN).toISOString(),
          endsAt: new Date(t0 + 30 * MIN).toISOString(),
          reason: "patching",
        },
      });
      expect(window.status).toBe(201);
      await fire(app, { ...alert, atMs: t0 + 2 * MIN });
      const [held] = await incidentsOf(app, target.contractId);
      expect(held).toMatchObject({ state: "open", reopenCount: 1, suppressed: true });
      const pagedBefore = kinds(await detail(held.id)).filter((k: string) => k === "paged");
      expect(pagedBefore).toHaveLength(1);
      await app.platform.incidents.runTimers(new Date(t0 + 31 * MIN));
      const after = await detail(held.id);
      expect(after).toMatchObject({ suppressed: false, tier: "first_line", state: "open" });
      expect(kinds(after).filter((k: string) => k === "paged")).toHaveLength(2);
      expect((await quota(target.contractId)).used).toBe(1);
    });
  });

  describe("crash between opening and routing", () => {
    it("routes an incident left unrouted once it is no longer in flight", async () => {
      const target = await contractOf("standard");
      const t0 = app.clock.now().getTime();
      await fire(app, alertFor(app, target, { atMs: t0 }));
      const [{ id }] = await incidentsOf(app, target.contractId);
      // As if the process died after the incident committed, before its routing did.
      const db = app.platform.db.dataSource;
      await db.query("DELETE FROM response_quota_units WHERE incident_id = $1", [id]);
      await db.query(
        `UPDATE incidents SET routed_at = NULL, tier = NULL, counts_quota = false,
           assignee_id = NULL, escalate_at = NULL WHERE id = $1`,
        [id],
      );
      await app.platform.incidents.runTimers(new Date(t0 + 5_000));
      expect((await detail(id)).tier).toBeNull();
      await app.platform.incidents.runTimers(new Date(t0 + 11_000));
      expect(await detail(id)).toMatchObject({
        tier: "first_line",
        countsQuota: true,
        assigneeId: oncall.first.user.id,
      });
      expect((await quota(target.contractId)).used).toBe(1);
    });
  });

  describe("outage proposal", () => {
    it("proposes an outage when every component of a contract is silent", async () => {
      const { contract, components } = await makeContract(app.api, {
        plan: "entry",
        components: ["a", "b"],
      });
      const ruleId = randomUUID();
      const silent = (c: any) =>
        alertFor(
          app,
          { contractId: contract.id, componentId: c.id },
          {
            ruleId,
            ruleKind: "absence_component",
            ruleName: "agent_silent",
            metric: null,
            value: null,
            threshold: null,
          },
        );
      const t0 = app.clock.now().getTime();
      await fire(app, { ...silent(components[0]), atMs: t0 });
      const [alone] = await incidentsOf(app, contract.id);
      expect(kinds(await detail(alone.id))).not.toContain("outage_proposed");
      await fire(app, { ...silent(components[1]), atMs: t0 + 1 });
      const all = await incidentsOf(app, contract.id);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ id: alone.id, scope: "contract", memberCount: 2 });
      expect(
        kinds(await detail(alone.id)).filter((k: string) => k === "outage_proposed"),
      ).toHaveLength(1);
    });
  });

  it("accepts verbs only from the roles allowed", async () => {
    await relogin();
    const target = await contractOf("premium");
    await fire(app, alertFor(app, target));
    const [{ id }] = await incidentsOf(app, target.contractId);
    const oncallOutage = await app.api("post", `/incidents/${id}/outage`, {
      token: oncall.first.token,
      body: { scope: "managed" },
    });
    expect(oncallOutage.status).toBe(403);
  });
});
