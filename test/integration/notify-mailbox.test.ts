import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { txOf } from "../../src/db/unit-of-work.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, fire, uploadIncidentRunbook } from "../support/incidents.js";
import { outboxRows, waitUntil } from "./notify-helpers.js";

// The embedded default without SMTP_URL: e-mail lands in the database mailbox, readable by
// staff and, for its own contract's customer mail only, by the customer. Plus webhook
// management and the notices that are not incident changes (cap reached, invoice issued).
describe("local mailbox, webhooks and notices", () => {
  let app: TestApp;
  const t = {} as Record<
    "a" | "b",
    { contractId: string; componentId: string; token: string; incidentId: string }
  >;

  beforeAll(async () => {
    app = await startTestApp({
      // the staff pager below points at a local address: the operator's allow-list admits it
      env: { ROLES: "api,collector,notify", WEBHOOK_ALLOW_PRIVATE_CIDRS: "127.0.0.0/8" },
    });
    const engineer = await makeUser(app.api, "oncall");
    await app.api("post", "/oncall/rotations", {
      body: {
        name: "first",
        line: "first",
        memberIds: [engineer.user.id],
        startsAt: "2026-11-01T00:00:00Z",
        shiftHours: 744,
      },
    });
    for (const k of ["a", "b"] as const) {
      const { contract, components } = await makeContract(app.api, { plan: "standard" });
      await uploadIncidentRunbook(app, contract.id);
      const token = (await makeUser(app.api, "customer", contract.id)).token;
      await fire(app, alertFor(app, { contractId: contract.id, componentId: components[0].id }));
      const rows = await waitUntil(
        () => outboxRows(app, "contract_id = $1", [contract.id]),
        (r) => r.length === 2 && r.every((x) => x.state === "sent"),
        "customer mail and page sent",
      );
      t[k] = {
        contractId: contract.id,
        componentId: components[0].id,
        token,
        incidentId: rows[0].incidentId,
      };
    }
  });
  afterAll(() => app?.stop());

  it("shows a customer only its own contract's mail, never the engineer's page", async () => {
    const list = await app.api("get", "/mailbox", { token: t.a.token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].contractId).toBe(t.a.contractId);
    const one = await app.api("get", `/mailbox/${list.body.items[0].id}`, { token: t.a.token });
    expect(one.status).toBe(200);
    expect(one.body.html).toContain("<!doctype html>");
    expect(one.body.headers["message-id"]).toBe(`<incident-${t.a.incidentId}@localhost>`);
    expect(one.body.headers["content-language"]).toBe("ja");
    expect(one.body.html).toContain('<html lang="ja">');
    expect(one.body.text).toContain("障害時一次対応");
    expect(
      (await app.api("get", `/mailbox/${list.body.items[0].id}`, { token: t.b.token })).status,
    ).toBe(404);
    const all = await app.api("get", "/mailbox");
    expect(all.body.items.filter((m: any) => m.subject.startsWith("[PAGE]"))).toHaveLength(2);
    expect(
      all.body.items
        .filter((m: any) => m.subject.startsWith("[PAGE]"))
        .every((m: any) => m.contractId === null),
    ).toBe(true);
  });

  it("shows an incident's delivery state; customers see only messages to their contacts", async () => {
    const staff = await app.api("get", `/incidents/${t.a.incidentId}/notifications`);
    expect(staff.status).toBe(200);
    expect(staff.body.items.map((m: any) => m.event).sort()).toEqual(["incident.opened", "page"]);
    const customer = await app.api("get", `/incidents/${t.a.incidentId}/notifications`, {
      token: t.a.token,
    });
    expect(customer.body.items.map((m: any) => `${m.event}:${m.state}`)).toEqual([
      "incident.opened:sent",
    ]);
    expect(
      (await app.api("get", `/incidents/${t.a.incidentId}/notifications`, { token: t.b.token }))
        .status,
    ).toBe(404);
  });

  it("lets a customer manage only its own https webhooks; the secret is shown once", async () => {
    const http = await app.api("post", "/webhooks", {
      token: t.a.token,
      body: { name: "chat", url: "http://chat.example/x" },
    });
    expect(http.status).toBe(400);
    const created = await app.api("post", "/webhooks", {
      token: t.a.token,
      body: { name: "chat", url: "https://chat.example/x", events: ["incident.opened"] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ contractId: t.a.contractId, events: ["incident.opened"] });
    expect(created.body.secret).toMatch(/^[\w-]{40,}$/);
    const other = await app.api("post", "/webhooks", {
      token: t.a.token,
      body: { name: "x", url: "https://x.example/", contractId: t.b.contractId },
    });
    expect(other.status).toBe(404);
    const staffHook = await app.api("post", "/webhooks", {
      body: { name: "pager", url: "http://127.0.0.1:9/x" },
    });
    expect(staffHook.status, JSON.stringify(staffHook.body)).toBe(201);
    const mine = await app.api("get", "/webhooks", { token: t.a.token });
    expect(mine.body.items.map((w: any) => w.id)).toEqual([created.body.id]);
    expect(mine.body.items[0].secret).toBeUndefined();
    expect(
      (await app.api("delete", `/webhooks/${staffHook.body.id}`, { token: t.a.token })).status,
    ).toBe(404);
    expect(
      (await app.api("delete", `/webhooks/${created.body.id}`, { token: t.b.token })).status,
    ).toBe(404);
    expect(
      (await app.api("delete", `/webhooks/${created.body.id}`, { token: t.a.token })).status,
    ).toBe(204);
    expect((await app.api("delete", `/webhooks/${staffHook.body.id}`)).status).toBe(204);
  });

  it("queues one cap-reached notice per component, cap and day, however often the collector raises it", async () => {
    const e = {
      componentId: t.a.componentId,
      cap: 200,
      activeSeries: 200,
      atMs: app.clock.now().getTime(),
    };
    for (let i = 0; i < 2; i++) {
      await app.platform.db.dataSource.transaction((tx) =>
        app.platform.notifier.onCapReached(txOf(tx), e),
      );
    }
    const rows = await outboxRows(app, "contract_id = $1 AND event = 'cap.reached'", [
      t.a.contractId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.subject).toContain("vm-01");
  });

  it("queues the invoice notice with the monthly close, once per invoice", async () => {
    app.clock.set(new Date("2026-12-01T03:00:00Z"));
    const { email, password } = app.platform.bootstrapAdmin!;
    const token = (await app.api("post", "/auth/login", { token: null, body: { email, password } }))
      .body.token;
    for (let i = 0; i < 2; i++) {
      const closed = await app.api("post", "/billing/close", { token, body: { month: "2026-11" } });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    }
    const rows = await outboxRows(app, "contract_id = $1 AND event = 'invoice.issued'", [
      t.a.contractId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.text).toContain("2026-11");
    await waitUntil(
      () => outboxRows(app, "id = $1", [rows[0].id]),
      (r) => r[0].state === "sent",
      "invoice notice sent",
    );
  });
});
