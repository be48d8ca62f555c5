import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintenanceAt } from "../../src/maintenance/maintenance.store.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

const paths = (body: { issues?: { path: string }[] }) =>
  (body.issues ?? []).map((i) => i.path).sort();
const jst = (t: string) => new Date(`${t}+09:00`);

describe("maintenance windows", () => {
  let app: TestApp;
  let own: string;
  let vm1: string;
  let vm2: string;
  let other: string;
  let otherVm: string;
  let customer: string;
  let noc: string;
  let oncall: string;
  const at = (componentId: string | null, t: string, contractId = own) =>
    maintenanceAt(app.platform.db.dataSource.manager, contractId, componentId, jst(t));
  const create = (body: Record<string, unknown>, token = customer, contractId = own) =>
    app.api("post", `/contracts/${contractId}/maintenance-windows`, {
      token,
      body: { reason: "patching", ...body },
    });

  beforeAll(async () => {
    app = await startTestApp(); // clock: 2026-11-20 12:00 JST, a Friday
    const mine = await makeContract(app.api, { components: ["vm-01", "vm-02"] });
    [own, vm1, vm2] = [mine.contract.id, mine.components[0].id, mine.components[1].id];
    const theirs = await makeContract(app.api);
    [other, otherVm] = [theirs.contract.id, theirs.components[0].id];
    customer = (await makeUser(app.api, "customer", own)).token;
    noc = (await makeUser(app.api, "noc")).token;
    oncall = (await makeUser(app.api, "oncall")).token;
  });
  afterAll(() => app?.stop());

  it("repeats a weekly Sunday 02:00–04:00 JST window for its component only", async () => {
    const res = await create({
      componentId: vm1,
      startsAt: "2026-11-22T02:00:00+09:00",
      endsAt: "2026-11-22T04:00:00+09:00",
      recurrence: "weekly",
      until: "2027-01-01T00:00:00+09:00",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ activeNow: false, activeUntil: null, recurrence: "weekly" });
    expect(await at(vm1, "2026-12-06T03:59:59")).toEqual({
      windowId: res.body.id,
      endsAt: jst("2026-12-06T04:00:00"),
    });
    expect(await at(vm1, "2026-12-06T04:00:00")).toBeNull();
    expect(await at(vm1, "2026-12-07T03:00:00")).toBeNull(); // Monday
    expect(await at(vm2, "2026-12-06T03:00:00")).toBeNull();
    expect(await at(null, "2026-12-06T03:00:00")).toBeNull();
    expect(await at(vm1, "2027-01-03T03:00:00")).toBeNull(); // after `until`
  });

  it("clamps a monthly window on the 31st to the last day of shorter months", async () => {
    const res = await create({
      startsAt: "2026-10-31T00:00:00+09:00",
      endsAt: "2026-10-31T03:00:00+09:00",
      recurrence: "monthly",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    for (const [t, covered] of [
      ["2026-11-30T01:00:00", true],
      ["2026-12-31T02:59:00", true],
      ["2026-12-30T01:00:00", false],
      ["2027-02-28T00:00:00", true],
    ] as const) {
      const found = await at(vm2, t); // a contract-wide window covers every component
      expect(found?.windowId ?? null, t).toBe(covered ? res.body.id : null);
    }
  });

  it("shows which windows are active now", async () => {
    const running = await create({
      componentId: vm2,
      startsAt: "2026-11-13T11:00:00+09:00",
      endsAt: "2026-11-13T13:00:00+09:00",
      recurrence: "weekly",
    });
    expect(running.body).toMatchObject({
      activeNow: true,
      activeUntil: "2026-11-20T04:00:00.000Z",
    });
    const list = await app.api("get", `/contracts/${own}/maintenance-windows`, { token: oncall });
    expect(list.status).toBe(200);
    const active = list.body.items.filter((w: { activeNow: boolean }) => w.activeNow);
    expect(active.map((w: { id: string }) => w.id)).toEqual([running.body.id]);
  });

  it("names every bad field", async () => {
    const res = await create({
      componentId: otherVm,
      startsAt: "2026-11-22T02:00:00+09:00",
      endsAt: "2026-11-22T02:00:00+09:00",
      until: "2026-12-01T00:00:00+09:00",
    });
    expect([res.status, paths(res.body)]).toEqual([400, ["componentId", "endsAt", "until"]]);
    const long = await create({
      startsAt: "2026-11-22T02:00:00+09:00",
      endsAt: "2026-11-23T03:00:00+09:00",
      recurrence: "daily",
    });
    expect([long.status, paths(long.body)]).toEqual([400, ["endsAt"]]);
    const shape = await app.api("post", `/contracts/${own}/maintenance-windows`, {
      token: customer,
      body: { startsAt: "2026-11-22T02:00:00", endsAt: "x", recurrence: "yearly" },
    });
    expect([shape.status, paths(shape.body)]).toEqual([
      400,
      ["endsAt", "reason", "recurrence", "startsAt"],
    ]);
  });

  it("keeps customers to their own contract and on-call engineers to reading", async () => {
    const theirs = await create(
      { startsAt: "2026-11-22T02:00:00+09:00", endsAt: "2026-11-22T04:00:00+09:00" },
      noc,
      other,
    );
    expect(theirs.status).toBe(201);
    const window = { startsAt: "2026-11-22T02:00:00+09:00", endsAt: "2026-11-22T04:00:00+09:00" };
    expect((await create(window, customer, other)).status).toBe(404);
    expect(
      (await app.api("get", `/contracts/${other}/maintenance-windows`, { token: customer })).status,
    ).toBe(404);
    const del = await app.api("delete", `/maintenance-windows/${theirs.body.id}`, {
      token: customer,
    });
    expect(del.status).toBe(404);
    expect(await at(otherVm, "2026-11-22T03:00:00", other)).toMatchObject({
      windowId: theirs.body.id,
    });
    expect((await create(window, oncall)).status).toBe(403);
  });

  it("lets the customer delete its own window, auditing both changes", async () => {
    const made = await create({
      startsAt: "2026-11-20T11:00:00+09:00",
      endsAt: "2026-11-20T13:00:00+09:00",
    });
    expect(await at(vm1, "2026-11-20T12:30:00")).toMatchObject({ windowId: made.body.id });
    const del = await app.api("delete", `/maintenance-windows/${made.body.id}`, {
      token: customer,
    });
    expect(del.status).toBe(204);
    expect(await at(vm1, "2026-11-20T12:30:00")).toBeNull();
    const audit = await app.api("get", `/audit-log?entityId=${made.body.id}`, { token: noc });
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual([
      "maintenance_window.delete",
      "maintenance_window.create",
    ]);
  });
});
