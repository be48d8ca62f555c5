import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

const KNOWN = "2026-11-10T09:00:00+09:00";
const outageBody = (extra: Record<string, unknown> = {}) => ({
  scope: "managed",
  knownAt: KNOWN,
  description: "hypervisor down",
  ...extra,
});
const paths = (body: { issues?: { path: string }[] }) =>
  (body.issues ?? []).map((i) => i.path).sort();

describe("outage records", () => {
  let app: TestApp;
  let own: string;
  let other: string;
  let customer: string;
  let noc: string;
  let oncall: string;
  let otherOutageId: string;

  beforeAll(async () => {
    app = await startTestApp(); // clock: 2026-11-20 12:00 JST
    own = (await makeContract(app.api, { startDate: "2026-04-15" })).contract.id;
    other = (await makeContract(app.api, { startDate: "2026-04-15" })).contract.id;
    customer = (await makeUser(app.api, "customer", own)).token;
    noc = (await makeUser(app.api, "noc")).token;
    oncall = (await makeUser(app.api, "oncall")).token;
    otherOutageId = (
      await app.api("post", `/contracts/${other}/outages`, {
        body: outageBody({ cause: "provider_fault" }),
      })
    ).body.id;
  });
  afterAll(() => app?.stop());

  it("records, classifies and closes an outage, auditing each step", async () => {
    const created = await app.api("post", `/contracts/${own}/outages`, {
      token: noc,
      body: outageBody(),
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        contractId: own,
        scope: "managed",
        cause: null,
        open: true,
        restoredAt: null,
        incidentId: null,
      },
    });
    const id = created.body.id;
    const classified = await app.api("post", `/outages/${id}/classify`, {
      token: noc,
      body: { cause: "gross_negligence", scope: "service" },
    });
    expect(classified.body).toMatchObject({
      cause: "gross_negligence",
      scope: "service",
      open: true,
    });
    const closed = await app.api("post", `/outages/${id}/close`, {
      token: noc,
      body: { restoredAt: "2026-11-10T14:00:00+09:00" },
    });
    expect(closed.body).toMatchObject({ open: false, restoredAt: "2026-11-10T05:00:00.000Z" });
    const again = await app.api("post", `/outages/${id}/close`, {
      token: noc,
      body: { restoredAt: "2026-11-11T00:00:00+09:00" },
    });
    expect(again).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    const audit = await app.api("get", `/audit-log?entityType=outage&entityId=${id}`);
    expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual([
      "outage.classify",
      "outage.close",
      "outage.create",
    ]);
  });

  it("lists a contract's outages with filters", async () => {
    await app.api("post", `/contracts/${own}/outages`, {
      body: outageBody({
        scope: "service",
        cause: "third_party",
        knownAt: "2026-11-15T00:00:00+09:00",
      }),
    });
    const all = await app.api("get", `/contracts/${own}/outages`);
    expect(all.body.total).toBe(2);
    const open = await app.api("get", `/contracts/${own}/outages?open=true`);
    expect(open.body.items.map((o: { cause: string }) => o.cause)).toEqual(["third_party"]);
    const early = await app.api(
      "get",
      `/contracts/${own}/outages?knownBefore=${encodeURIComponent("2026-11-12T00:00:00+09:00")}`,
    );
    expect(early.body.items.map((o: { cause: string }) => o.cause)).toEqual(["gross_negligence"]);
    expect((await app.api("get", `/contracts/${own}/outages?cause=unclassified`)).body.total).toBe(
      0,
    );
    expect((await app.api("get", `/contracts/${own}/outages?open=maybe`)).body.issues[0].path).toBe(
      "query.open",
    );
  });

  it("names every invalid field", async () => {
    const bad = await app.api("post", `/contracts/${own}/outages`, {
      body: { scope: "network", cause: "bad_luck", knownAt: "2026-11-10 09:00", extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(["", "cause", "description", "knownAt", "scope"]);
    const reversed = await app.api("post", `/contracts/${own}/outages`, {
      body: outageBody({ restoredAt: "2026-11-10T08:59:00+09:00" }),
    });
    expect(reversed).toMatchObject({
      status: 400,
      body: { issues: [{ path: "restoredAt", message: "is before knownAt" }] },
    });
    const future = await app.api("post", `/contracts/${own}/outages`, {
      body: outageBody({ knownAt: "2026-12-24T00:00:00+09:00" }),
    });
    expect(future.body.issues).toEqual([{ path: "knownAt", message: "is in the future" }]);
    const open = (await app.api("post", `/contracts/${own}/outages`, { body: outageBody() })).body
      .id;
    const early = await app.api("post", `/outages/${open}/close`, {
      body: { restoredAt: "2026-11-01T00:00:00+09:00" },
    });
    expect(early.body.issues).toEqual([{ path: "restoredAt", message: "is before knownAt" }]);
  });

  it("shows a customer its own outages only and lets it change none", async () => {
    const mine = await app.api("get", `/contracts/${own}/outages`, { token: customer });
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((o: { contractId: string }) => o.contractId === own)).toBe(true);
    expect((await app.api("get", `/contracts/${other}/outages`, { token: customer })).status).toBe(
      404,
    );
    expect((await app.api("get", `/outages/${otherOutageId}`, { token: customer })).status).toBe(
      404,
    );
    expect(
      (await app.api("get", `/outages/${mine.body.items[0].id}`, { token: customer })).status,
    ).toBe(200);
    expect(
      (await app.api("post", `/contracts/${own}/outages`, { token: customer, body: outageBody() }))
        .status,
    ).toBe(403);
    expect(
      (
        await app.api("post", `/outages/${otherOutageId}/classify`, {
          token: customer,
          body: { cause: "customer_fault" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await app.api("post", `/outages/${otherOutageId}/classify`, {
          token: oncall,
          body: { cause: "customer_fault" },
        })
      ).status,
    ).toBe(403);
    expect((await app.api("get", `/outages/${otherOutageId}`, { token: oncall })).status).toBe(200);
  });

  it("refuses a liability claim made more than 30 days after the damage", async () => {
    const late = await app.api("post", `/contracts/${own}/liability-credits`, {
      body: {
        damageDate: "2026-09-10",
        claimDate: "2026-10-11",
        amountYen: 10_000,
        description: "data loss",
      },
    });
    expect(late.status).toBe(400);
    expect(late.body.message).toContain("liability claim refused");
    expect(late.body.issues).toEqual([
      {
        path: "claimDate",
        message: expect.stringContaining(
          "31 days after the damage: Art. 21 (2) accepts claims within 30 days",
        ),
      },
    ]);
    const inTime = await app.api("post", `/contracts/${own}/liability-credits`, {
      body: {
        damageDate: "2026-09-10",
        claimDate: "2026-10-10",
        amountYen: 10_000,
        description: "data loss",
      },
    });
    expect(inTime).toMatchObject({
      status: 201,
      body: { creditMonth: "2026-11", amountYen: 10_000 },
    });
    const early = await app.api("post", `/contracts/${own}/liability-credits`, {
      body: { damageDate: "2026-04-01", claimDate: "2026-04-02", amountYen: 1, description: "x" },
    });
    expect(early.body.issues).toEqual([
      { path: "damageDate", message: "is before the contract's start date" },
    ]);
    expect(
      (await app.api("get", `/contracts/${own}/liability-credits`, { token: customer })).body,
    ).toHaveLength(1);
    expect(
      (await app.api("get", `/contracts/${other}/liability-credits`, { token: customer })).status,
    ).toBe(404);
  });

  it("validates service fees by field", async () => {
    const bad = await app.api("post", `/contracts/${own}/service-fees`, {
      body: { name: "", monthlyYen: -1, fromMonth: "2026-13" },
    });
    expect(paths(bad.body)).toEqual(["fromMonth", "monthlyYen", "name"]);
    const reversed = await app.api("post", `/contracts/${own}/service-fees`, {
      body: { name: "storage", monthlyYen: 30_000, fromMonth: "2026-11", untilMonth: "2026-10" },
    });
    expect(reversed.body.issues).toEqual([{ path: "untilMonth", message: "is before fromMonth" }]);
  });
});
