import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { connect } from "./realtime.helpers.js";

// Inputs that used to reach the database or the clock unchecked: a customer backdating a
// cancellation notice, a NUL in a contract name, a resync version past bigint, and the
// optional bearer token in front of /metrics.
describe("security inputs", () => {
  let app: TestApp;
  const METRICS_TOKEN = "metrics-secret-0123456789";

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date("2026-11-20T03:00:00Z"),
      env: { ROLES: "api,collector,realtime", METRICS_BEARER_TOKEN: METRICS_TOKEN },
    });
  });
  afterAll(() => app?.stop());

  it("refuses a customer's noticeDate (400 naming it); the notice is dated on receipt", async () => {
    const { contract } = await makeContract(app.api);
    const customer = await makeUser(app.api, "customer", contract.id);
    const backdated = await app.api("post", `/contracts/${contract.id}/cancellation-notice`, {
      token: customer.token,
      body: { desiredDate: "2026-12-15", noticeDate: "2026-01-01" },
    });
    expect(backdated.status).toBe(400);
    expect(backdated.body.issues).toEqual([
      { path: "noticeDate", message: expect.stringMatching(/staff/) },
    ]);
    // Without the field, 2026-12-15 is too close to today (60-day rule).
    const late = await app.api("post", `/contracts/${contract.id}/cancellation-notice`, {
      token: customer.token,
      body: { desiredDate: "2026-12-15" },
    });
    expect(late.status).toBe(400);
    expect(late.body.issues[0].path).toBe("desiredDate");
    const ok = await app.api("post", `/contracts/${contract.id}/cancellation-notice`, {
      token: customer.token,
      body: { desiredDate: "2027-03-31" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.contract.cancellationNoticeDate).toBe("2026-11-20");
  });

  it("lets staff date a notice received earlier, only with a reason, never in the future; audited", async () => {
    const { contract } = await makeContract(app.api);
    const path = `/contracts/${contract.id}/cancellation-notice`;
    const noReason = await app.api("post", path, {
      body: { desiredDate: "2027-01-15", noticeDate: "2026-11-10" },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0].path).toBe("noticeReason");
    const future = await app.api("post", path, {
      body: { desiredDate: "2027-03-31", noticeDate: "2026-11-21", noticeReason: "letter" },
    });
    expect(future.status).toBe(400);
    expect(future.body.issues[0].path).toBe("noticeDate");
    const orphanReason = await app.api("post", path, {
      body: { desiredDate: "2027-03-31", noticeReason: "letter" },
    });
    expect(orphanReason.body.issues[0].path).toBe("noticeReason");
    const dated = await app.api("post", path, {
      body: {
        desiredDate: "2027-01-15",
        noticeDate: "2026-11-10",
        noticeReason: "registered letter received 2026-11-10, scanned late",
      },
    });
    expect(dated.status, JSON.stringify(dated.body)).toBe(200);
    expect(dated.body.contract.cancellationNoticeDate).toBe("2026-11-10");
    const audit = await app.api("get", `/audit-log?entityType=contract&entityId=${contract.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: "contract.cancellation_notice",
      actorType: "user",
      after: {
        noticeDatedBy: "staff",
        noticeReason: "registered letter received 2026-11-10, scanned late",
      },
    });
  });

  it("refuses a NUL in a contract name with 400 naming the field", async () => {
    const res = await app.api("post", "/contracts", {
      body: {
        customerName: "Evil\u0000Corp",
        plan: "standard",
        contacts: [{ name: "Ops", email: "ops@example.jp", language: "ja" }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe("customerName");
  });

  it("answers a resync version above 2^63-1 with an error naming the field, not 500", async () => {
    const socket = await connect(app.url, { token: app.adminToken });
    try {
      const over = await socket.emitWithAck("resync", { since: "9223372036854775808" });
      expect(over.ok).toBe(false);
      expect(over.error.code).toBe("VALIDATION");
      expect(over.error.issues[0].path).toBe("since");
      const max = await socket.emitWithAck("resync", { since: "9223372036854775807" });
      expect(max.ok, JSON.stringify(max)).toBe(true);
      expect(max.truncated).toBe(true); // ahead of the feed: reload
    } finally {
      socket.close();
    }
  });

  it("protects /metrics with the bearer token when one is configured", async () => {
    const anon = await fetch(`${app.url}/metrics`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("www-authenticate")).toMatch(/Bearer/);
    const wrong = await fetch(`${app.url}/metrics`, {
      headers: { authorization: "Bearer not-it-at-all-000000" },
    });
    expect(wrong.status).toBe(401);
    const userToken = await fetch(`${app.url}/metrics`, {
      headers: { authorization: `Bearer ${app.adminToken}` },
    });
    expect(userToken.status).toBe(401);
    const ok = await fetch(`${app.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/http_request_duration_seconds|process_cpu/);
  });
});
