import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncidentEntity, IncidentEventEntity } from "../../src/db/entities/index.js";
import type { IncidentEventKind } from "../../src/incidents/events.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

const MIN = 60_000;
const paths = (body: { issues?: { path: string }[] }) =>
  (body.issues ?? []).map((i) => i.path).sort();

describe("premium runbook tasks", () => {
  let app: TestApp;
  let premium: string;
  let vms: string[];
  let opsRunbook: string;
  let incidentRunbook: string;
  let standard: string;
  let standardOps: string;
  let otherVm: string;
  let oncall: string;
  let customer: string;
  let otherCustomer: string;
  const committed: IncidentEventKind[] = [];

  const runbook = async (contractId: string, kind: string) =>
    (
      await app.api("post", `/contracts/${contractId}/runbooks`, {
        body: { kind, name: `${kind} book`, content: "# steps" },
      })
    ).body.id as string;
  const start = (body: Record<string, unknown>, contractId = premium, token = oncall) =>
    app.api("post", `/contracts/${contractId}/runbook-tasks`, { token, body });
  const finish = (id: string, body: Record<string, unknown> = {}) =>
    app.api("post", `/runbook-tasks/${id}/finish`, { token: oncall, body });
  const allowance = (token = customer, contractId = premium) =>
    app.api("get", `/contracts/${contractId}/runbook-allowance?month=2026-11`, { token });

  beforeAll(async () => {
    app = await startTestApp(); // clock: 2026-11-20 12:00 JST
    const p = await makeContract(app.api, { plan: "premium", components: ["a", "b", "c"] });
    [premium, vms] = [p.contract.id, p.components.map((c: { id: string }) => c.id)];
    opsRunbook = await runbook(premium, "ops");
    incidentRunbook = await runbook(premium, "incident");
    const s = await makeContract(app.api, { plan: "standard" });
    standard = s.contract.id;
    standardOps = await runbook(standard, "ops");
    const other = await makeContract(app.api, { plan: "premium" });
    otherVm = other.components[0].id;
    oncall = (await makeUser(app.api, "oncall")).token;
    customer = (await makeUser(app.api, "customer", premium)).token;
    otherCustomer = (await makeUser(app.api, "customer", other.contract.id)).token;
    app.platform.hub.addListener({
      name: "test commit watch",
      afterCommit: (change) => void committed.push(change.kind),
    });
  });
  afterAll(() => app?.stop());

  it("refuses a plan without runbook execution and runbooks that are not ops runbooks", async () => {
    const std = await start({ runbookId: standardOps }, standard);
    expect([std.status, std.body.code]).toEqual([412, "PRECONDITION_FAILED"]);
    expect(std.body.message).toMatch(/premium/);
    const kind = await start({ runbookId: incidentRunbook });
    expect([kind.status, paths(kind.body)]).toEqual([412, ["runbookId"]]);
    const foreign = await start({ runbookId: standardOps });
    expect([foreign.status, paths(foreign.body)]).toEqual([412, ["runbookId"]]);
    const component = await start({ runbookId: opsRunbook, componentId: otherVm });
    expect([component.status, paths(component.body)]).toEqual([400, ["componentId"]]);
    expect((await start({ runbookId: opsRunbook }, premium, customer)).status).toBe(403);
    const listed = await app.api("get", `/contracts/${premium}/runbook-tasks`, { token: customer });
    expect(listed.body.total).toBe(0);
  });

  it("times tasks in rounded-up minutes against the pooled allowance (3 × 60 min)", async () => {
    expect((await allowance()).body).toEqual({
      month: "2026-11",
      components: 3,
      allowanceMinutes: 180,
      usedMinutes: 0,
      remainingMinutes: 180,
      overageMinutes: 0,
    });
    const first = await start({ runbookId: opsRunbook, componentId: vms[0], note: "rotate logs" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ month: "2026-11", finishedAt: null, minutes: null });
    app.clock.advance(150 * MIN);
    const done = await finish(first.body.id, { note: "done" });
    expect(done.body).toMatchObject({ minutes: 150, note: "rotate logs\ndone" });
    expect((await allowance()).body).toMatchObject({ usedMinutes: 150, remainingMinutes: 30 });

    const second = await start({ runbookId: opsRunbook });
    app.clock.advance(59 * MIN + 30_000); // 59.5 min → 60
    expect((await finish(second.body.id)).body.minutes).toBe(60);
    expect((await allowance()).body).toMatchObject({
      usedMinutes: 210,
      remainingMinutes: 0,
      overageMinutes: 30,
    });
    const again = await finish(second.body.id);
    expect([again.status, again.body.code]).toEqual([409, "CONFLICT"]);
    expect((await allowance()).body.usedMinutes).toBe(210);
    const audit = await app.api("get", `/audit-log?entityId=${second.body.id}`);
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual([
      "runbook_task.finish",
      "runbook_task.start",
    ]);
  });

  it("lets exactly one of two concurrent finishes win", async () => {
    const task = await start({ runbookId: opsRunbook });
    app.clock.advance(5 * MIN);
    const results = await Promise.all([finish(task.body.id), finish(task.body.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("writes runbook work onto a named incident's timeline and publishes it after commit", async () => {
    const repo = app.platform.db.dataSource.getRepository(IncidentEntity);
    const base = { ruleName: "cpu", ruleKind: "threshold", severity: "critical", state: "open" };
    const incident = await repo.save(
      repo.create({
        ...base,
        contractId: premium,
        componentId: vms[1],
        labelsKey: "t1",
        openedAt: app.clock.now(),
        lastFiredAt: app.clock.now(),
      }),
    );
    const bad = await start({
      runbookId: opsRunbook,
      incidentId: "00000000-0000-4000-8000-000000000000",
    });
    expect([bad.status, paths(bad.body)]).toEqual([400, ["incidentId"]]);
    committed.length = 0;
    const task = await start({ runbookId: opsRunbook, incidentId: incident.id });
    app.clock.advance(10 * MIN);
    await finish(task.body.id);
    const events = await app.platform.db.dataSource
      .getRepository(IncidentEventEntity)
      .find({ where: { incidentId: incident.id }, order: { id: "ASC" } });
    expect(events.map((e) => [e.kind, e.data.taskId, e.data.minutes])).toEqual([
      ["runbook_task_started", task.body.id, undefined],
      ["runbook_task_finished", task.body.id, 10],
    ]);
    expect(committed).toEqual(["runbook_task_started", "runbook_task_finished"]);
  });

  it("lets a customer read its own tasks and allowance, and no one else's", async () => {
    const mine = await app.api("get", `/contracts/${premium}/runbook-tasks?month=2026-11`, {
      token: customer,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(4);
    const none = await app.api("get", `/contracts/${premium}/runbook-tasks?month=2026-10`, {
      token: customer,
    });
    expect(none.body.total).toBe(0);
    expect((await allowance(otherCustomer)).status).toBe(404);
    const theirs = await app.api("get", `/contracts/${premium}/runbook-tasks`, {
      token: otherCustomer,
    });
    expect(theirs.status).toBe(404);
  });
});
