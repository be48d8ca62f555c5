import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/platform/routes.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, fire } from "../support/incidents.js";

// A customer of contract A tries every route it may call with contract B's ids: each is
// refused (404, so B's ids do not even leak existence) and B's data is left unchanged.
const ROUTES = allRoutes({ db: null as never, clock: null as never, sessionTtlMs: 1 }).filter(
  (r) => r.roles !== "public" && r.roles.includes("customer"),
);

const BODIES: Record<string, unknown> = {
  "put /contracts/:id/contacts": [{ name: "Mallory", email: "mallory@example.jp", language: "en" }],
  "post /contracts/:id/runbooks": { kind: "incident", name: "evil", content: "# rm -rf" },
  "post /contracts/:id/cancellation-notice": { desiredDate: "2027-12-31" },
  "post /contracts/:id/renewal-objection": { by: "customer" },
  "post /contracts/:id/maintenance-windows": {
    startsAt: "2026-11-22T02:00:00+09:00",
    endsAt: "2026-11-22T04:00:00+09:00",
    reason: "evil",
  },
  "post /incidents/:id/acknowledge": { note: "mine now" },
  "post /incidents/:id/notes": { note: "evil" },
};
const QUERIES: Record<string, string> = {
  "get /contracts/:id/cancellation-deadline": "?desiredDate=2027-03-31",
  "get /components/:id/series/points": `?labels=${encodeURIComponent('{"__name__":"up"}')}`,
};

describe("tenant isolation", () => {
  let app: TestApp;
  let customerA: string;
  let customerBKey: string;
  const b = {} as Record<string, string>;
  let snapshotB: () => Promise<unknown>;
  // The admin session expires with the clock moved; log in afresh for the close call.
  const adminToken = async () =>
    (
      await app.api("post", "/auth/login", {
        token: null,
        body: {
          email: app.platform.bootstrapAdmin!.email,
          password: app.platform.bootstrapAdmin!.password,
        },
      })
    ).body.token as string;

  beforeAll(async () => {
    app = await startTestApp();
    const a = await makeContract(app.api);
    const bc = await makeContract(app.api);
    customerA = (await makeUser(app.api, "customer", a.contract.id)).token;
    const userB = await makeUser(app.api, "customer", bc.contract.id);
    customerBKey = (await app.api("post", "/api-keys", { token: userB.token, body: { name: "b" } }))
      .body.id;
    b.contract = bc.contract.id;
    b.component = bc.components[0].id;
    b.runbook = (
      await app.api("post", `/contracts/${b.contract}/runbooks`, {
        body: { kind: "incident", name: "main", content: "call us" },
      })
    ).body.id;
    b.token = (await app.api("post", `/components/${b.component}/agent-token`)).body.id;
    b.outage = (
      await app.api("post", `/contracts/${b.contract}/outages`, {
        body: { scope: "managed", knownAt: "2026-11-02T00:00:00Z", description: "down" },
      })
    ).body.id;
    b.maintenanceWindow = (
      await app.api("post", `/contracts/${b.contract}/maintenance-windows`, {
        body: BODIES["post /contracts/:id/maintenance-windows"],
      })
    ).body.id;
    await fire(app, alertFor(app, { contractId: b.contract!, componentId: b.component! }));
    b.incident = (await app.api("get", `/incidents?contractId=${b.contract}`)).body.items[0].id;
    b.webhook = (
      await app.api("post", "/webhooks", {
        body: { name: "b", url: "https://b.example/hook", contractId: b.contract },
      })
    ).body.id;
    b.mailbox = (
      await app.platform.db.dataSource.query(
        `INSERT INTO mailbox_messages (outbox_id, contract_id, "from", "to", subject, text, html, received_at)
         VALUES (gen_random_uuid(), $1, 'noreply@localhost', 'b@example.jp', 'b', 'b', '<p>b</p>', now())
         RETURNING id`,
        [b.contract],
      )
    )[0].id;
    // Contracts start 2026-11-01 and the clock stands in November: close November from December.
    app.clock.set(new Date("2026-12-01T03:00:00Z"));
    const closed = await app.api("post", "/billing/close", {
      token: await adminToken(),
      body: { month: "2026-11" },
    });
    app.clock.set(new Date("2026-11-20T03:00:00Z"));
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    b.invoice = (await app.api("get", `/invoices?contractId=${b.contract}`)).body.items[0].id;
    snapshotB = async () => ({
      contract: (await app.api("get", `/contracts/${b.contract}`)).body,
      contacts: (await app.api("get", `/contracts/${b.contract}/contacts`)).body,
      components: (await app.api("get", `/contracts/${b.contract}/components`)).body,
      runbooks: (await app.api("get", `/contracts/${b.contract}/runbooks`)).body,
      tokens: (await app.api("get", `/contracts/${b.contract}/agent-tokens`)).body,
      outage: (await app.api("get", `/outages/${b.outage}`)).body,
      invoice: (await app.api("get", `/invoices/${b.invoice}`)).body,
      payments: (await app.api("get", `/invoices/${b.invoice}/payments`)).body,
      maintenance: (await app.api("get", `/contracts/${b.contract}/maintenance-windows`)).body,
      incident: (await app.api("get", `/incidents/${b.incident}`)).body,
      quota: (await app.api("get", `/contracts/${b.contract}/quota`)).body,
      webhooks: (await app.api("get", `/webhooks?contractId=${b.contract}`)).body,
      mailbox: (await app.api("get", `/mailbox/${b.mailbox}`)).body,
    });
  });
  afterAll(() => app?.stop());

  const idFor = (path: string): string | undefined => {
    if (path.startsWith("/contracts/:id")) return b.contract;
    if (path.startsWith("/components/:id")) return b.component;
    if (path.startsWith("/runbooks/:id")) return b.runbook;
    if (path.startsWith("/agent-tokens/:id")) return b.token;
    if (path.startsWith("/api-keys/:id")) return customerBKey;
    if (path.startsWith("/outages/:id")) return b.outage;
    if (path.startsWith("/invoices/:id")) return b.invoice;
    if (path.startsWith("/maintenance-windows/:id")) return b.maintenanceWindow;
    if (path.startsWith("/incidents/:id")) return b.incident;
    if (path.startsWith("/webhooks/:id")) return b.webhook;
    if (path.startsWith("/mailbox/:id")) return b.mailbox;
    return undefined;
  };

  const scoped = ROUTES.filter((r) => r.path.includes(":id"));
  it("has a fixture for every tenant-scoped route a customer may call", () => {
    for (const r of scoped) expect(idFor(r.path), `no fixture for ${r.path}`).toBeDefined();
    expect(scoped.length).toBeGreaterThanOrEqual(10);
  });

  for (const route of scoped) {
    const key = `${route.method} ${route.path}`;
    it(`refuses another contract's data: ${key.toUpperCase()}`, async () => {
      const before = await snapshotB();
      const path = route.path.replace(":id", idFor(route.path) ?? "missing") + (QUERIES[key] ?? "");
      if (route.body && !(key in BODIES)) throw new Error(`add a valid body for ${key}`);
      const res = await app.api(route.method, path, { token: customerA, body: BODIES[key] });
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(await snapshotB()).toEqual(before);
    });
  }

  it("lists only the customer's own contract", async () => {
    const res = await app.api("get", "/contracts", { token: customerA });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items.map((c: { id: string }) => c.id)).not.toContain(b.contract);
  });

  it("still lets the customer act on its own contract (the refusals are about tenancy)", async () => {
    const mine = (await app.api("get", "/contracts", { token: customerA })).body.items[0].id;
    const res = await app.api("put", `/contracts/${mine}/contacts`, {
      token: customerA,
      body: BODIES["put /contracts/:id/contacts"],
    });
    expect(res.status).toBe(200);
  });
});
