import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

const paths = (body: { issues?: { path: string }[] }) => (body.issues ?? []).map((i) => i.path);
const MISSING = "00000000-0000-4000-8000-000000000000";

describe("on-call rotations", () => {
  let app: TestApp;
  let noc: string;
  let oncall: string;
  let customer: string;
  let customerId: string;
  const ids = {} as Record<"a" | "b" | "c", string>;
  const actions = async (entityId: string) =>
    (await app.api("get", `/audit-log?entityId=${entityId}`, { token: noc })).body.items.map(
      (i: { action: string }) => i.action,
    );

  beforeAll(async () => {
    app = await startTestApp(); // clock: 2026-11-20T03:00Z
    const { contract } = await makeContract(app.api);
    noc = (await makeUser(app.api, "noc")).token;
    const c = await makeUser(app.api, "customer", contract.id);
    [customer, customerId] = [c.token, c.user.id];
    for (const k of ["a", "b", "c"] as const) ids[k] = (await makeUser(app.api, "oncall")).user.id;
    oncall = (await makeUser(app.api, "oncall")).token;
  });
  afterAll(() => app?.stop());

  const rotationBody = (over: Record<string, unknown> = {}) => ({
    name: "first line",
    line: "first",
    memberIds: [ids.a, ids.b, ids.c],
    startsAt: "2026-11-20T00:00:00Z",
    shiftHours: 8,
    ...over,
  });

  it("refuses members that are not enabled staff, naming each bad member", async () => {
    const res = await app.api("post", "/oncall/rotations", {
      token: noc,
      body: rotationBody({ memberIds: [ids.a, customerId, MISSING, ids.a] }),
    });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(["memberIds[1]", "memberIds[2]", "memberIds[3]"]);
    expect(res.body.issues[0].message).toMatch(/role customer/);
  });

  it("refuses customers everything and on-call engineers the management", async () => {
    for (const [method, path] of [
      ["get", "/oncall/now"],
      ["get", "/oncall/rotations"],
      ["get", "/oncall/handover-notes"],
    ] as const) {
      expect((await app.api(method, path, { token: customer })).status).toBe(403);
    }
    const post = await app.api("post", "/oncall/rotations", {
      token: oncall,
      body: rotationBody(),
    });
    expect(post.status).toBe(403);
  });

  it("answers who is on call, with overrides winning, and audits every change", async () => {
    const created = await app.api("post", "/oncall/rotations", {
      token: noc,
      body: rotationBody(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const now = await app.api("get", "/oncall/now", { token: oncall });
    expect(now.body).toEqual({
      first: { userId: ids.a, displayName: "oncall", rotationId: id, overridden: false },
      second: null,
    });
    const later = await app.api("get", "/oncall/now?at=2026-11-20T17:30:00%2B09:00", {
      token: oncall,
    });
    expect(later.body.first.userId).toBe(ids.b); // 08:30Z is the second shift

    const bad = await app.api("post", `/oncall/rotations/${id}/overrides`, {
      token: noc,
      body: {
        userId: customerId,
        startsAt: "2026-11-20T05:00:00Z",
        endsAt: "2026-11-20T02:00:00Z",
      },
    });
    expect([bad.status, paths(bad.body)]).toEqual([400, ["endsAt"]]);
    const badUser = await app.api("post", `/oncall/rotations/${id}/overrides`, {
      token: noc,
      body: {
        userId: customerId,
        startsAt: "2026-11-20T02:00:00Z",
        endsAt: "2026-11-20T05:00:00Z",
      },
    });
    expect([badUser.status, paths(badUser.body)]).toEqual([400, ["userId"]]);
    const override = await app.api("post", `/oncall/rotations/${id}/overrides`, {
      token: noc,
      body: { userId: ids.c, startsAt: "2026-11-20T02:00:00Z", endsAt: "2026-11-20T05:00:00Z" },
    });
    expect(override.status).toBe(201);
    expect((await app.api("get", "/oncall/now", { token: oncall })).body.first).toMatchObject({
      userId: ids.c,
      overridden: true,
    });
    const detail = await app.api("get", `/oncall/rotations/${id}`, { token: oncall });
    expect(detail.body.overrides.map((o: { id: string }) => o.id)).toEqual([override.body.id]);

    const patched = await app.api("patch", `/oncall/rotations/${id}`, {
      token: noc,
      body: { memberIds: [ids.b, ids.a] },
    });
    expect(patched.body.memberIds).toEqual([ids.b, ids.a]);
    const removed = await app.api("delete", `/oncall/overrides/${override.body.id}`, {
      token: noc,
    });
    expect(removed.status).toBe(204);
    expect((await app.api("get", "/oncall/now", { token: oncall })).body.first.userId).toBe(ids.b);
    expect(
      (await app.api("delete", `/oncall/overrides/${override.body.id}`, { token: noc })).status,
    ).toBe(404);

    expect((await app.api("delete", `/oncall/rotations/${id}`, { token: noc })).status).toBe(204);
    expect((await app.api("get", `/oncall/rotations/${id}`, { token: noc })).status).toBe(404);
    expect((await app.api("get", "/oncall/now", { token: oncall })).body.first).toBeNull();
    expect(await actions(id)).toEqual([
      "oncall.rotation.delete",
      "oncall.rotation.update",
      "oncall.rotation.create",
    ]);
    expect(await actions(override.body.id)).toEqual([
      "oncall.override.delete",
      "oncall.override.create",
    ]);
  });

  it("refuses a patch with a non-staff member", async () => {
    const { id } = (
      await app.api("post", "/oncall/rotations", { token: noc, body: rotationBody() })
    ).body;
    const res = await app.api("patch", `/oncall/rotations/${id}`, {
      token: noc,
      body: { memberIds: [ids.a, customerId] },
    });
    expect([res.status, paths(res.body)]).toEqual([400, ["memberIds[1]"]]);
    expect(
      (await app.api("get", `/oncall/rotations/${id}`, { token: noc })).body.memberIds,
    ).toEqual([ids.a, ids.b, ids.c]);
  });

  it("keeps hand-over notes, newest first, naming a bad rotation", async () => {
    const first = await app.api("post", "/oncall/handover-notes", {
      token: oncall,
      body: { note: "disk on vm-01 is at 85 %" },
    });
    expect(first.status).toBe(201);
    const second = await app.api("post", "/oncall/handover-notes", {
      token: noc,
      body: { note: "vendor called back" },
    });
    const bad = await app.api("post", "/oncall/handover-notes", {
      token: oncall,
      body: { note: "x", rotationId: MISSING },
    });
    expect([bad.status, paths(bad.body)]).toEqual([400, ["rotationId"]]);
    const list = await app.api("get", "/oncall/handover-notes", { token: oncall });
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([
      second.body.id,
      first.body.id,
    ]);
    expect(await actions(first.body.id)).toEqual(["oncall.handover_note.create"]);
  });
});
