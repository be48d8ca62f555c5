import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContractsDeps } from "../../src/contracts/contract.store.js";
import { expireApplications } from "../../src/contracts/lifecycle.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

describe("contract lifecycle", () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ now: new Date("2026-12-20T01:00:00Z") })));
  afterAll(() => app?.stop());

  const apply = async () =>
    (
      await app.api("post", "/contracts", {
        body: {
          customerName: "Lifecycle KK",
          plan: "advanced",
          contacts: [{ name: "A", email: "a@example.jp", language: "en" }],
        },
      })
    ).body;

  it("derives the minimum-term end from the start date", async () => {
    const c = await apply();
    const accepted = await app.api("post", `/contracts/${c.id}/accept`, {
      body: { startDate: "2027-01-15" },
    });
    expect(accepted.body.minimumTermEnd).toBe("2028-01-14");
  });

  it("refuses to accept twice (conditional transition)", async () => {
    const c = await apply();
    const [r1, r2] = await Promise.all([
      app.api("post", `/contracts/${c.id}/accept`, { body: { startDate: "2027-01-01" } }),
      app.api("post", `/contracts/${c.id}/accept`, { body: { startDate: "2027-02-01" } }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
  });

  it("refuses acceptance after the 60-day decision deadline", async () => {
    const body = {
      customerName: "Late KK",
      plan: "entry",
      contacts: [{ name: "A", email: "a@example.jp", language: "ja" }],
    };
    // Received 2026-10-20 10:00 JST: decidable until the end of 2026-12-19 JST; now is 12-20.
    const late = (
      await app.api("post", "/contracts", {
        body: { ...body, receivedAt: "2026-10-20T10:00:00+09:00" },
      })
    ).body;
    const res = await app.api("post", `/contracts/${late.id}/accept`, {
      body: { startDate: "2027-03-01" },
    });
    expect(res.status).toBe(412);
    const inTime = (
      await app.api("post", "/contracts", {
        body: { ...body, receivedAt: "2026-10-21T10:00:00+09:00" },
      })
    ).body;
    expect(
      (
        await app.api("post", `/contracts/${inTime.id}/accept`, {
          body: { startDate: "2027-03-01" },
        })
      ).status,
    ).toBe(200);
  });

  it.each([
    ["2027-03-31", "2027-01-29"], // SPEC 5: 2027-01-30 is a Saturday
    ["2027-03-03", "2026-12-28"], // −60 days is 2 Jan, inside the New Year break
    ["2027-07-04", "2027-04-30"], // −60 days is 5 May (Golden Week) → 30 Apr
  ])("gives the notice deadline for %s as %s", async (desired, deadline) => {
    const { contract } = await makeContract(app.api);
    const res = await app.api(
      "get",
      `/contracts/${contract.id}/cancellation-deadline?desiredDate=${desired}`,
    );
    expect(res.body).toEqual({ desiredDate: desired, deadline });
  });

  it("accepts a customer's notice in time and refuses a late one, naming the deadline", async () => {
    const { contract } = await makeContract(app.api);
    const customer = await makeUser(app.api, "customer", contract.id);
    const late = await app.api("post", `/contracts/${contract.id}/cancellation-notice`, {
      token: customer.token,
      body: { desiredDate: "2027-01-31" },
    });
    expect(late.status).toBe(400);
    expect(late.body.deadline).toBe("2026-12-02"); // 2027-01-31 − 60 days, a Wednesday
    const ok = await app.api("post", `/contracts/${contract.id}/cancellation-notice`, {
      token: customer.token,
      body: { desiredDate: "2027-03-31" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.contract.endDate).toBe("2027-03-31");
    expect(ok.body.contract.cancellationNoticeDate).toBe("2026-12-20");
  });

  it("audits every change with actor, time, before and after", async () => {
    const c = await apply();
    await app.api("post", `/contracts/${c.id}/reject`, { body: { reason: "credit check" } });
    const log = (await app.api("get", `/audit-log?entityId=${c.id}`)).body.items;
    expect(log.map((e: { action: string }) => e.action)).toEqual([
      "contract.reject",
      "contract.apply",
    ]);
    expect(log[0].before.status).toBe("applied");
    expect(log[0].after.status).toBe("rejected");
    expect(log[0].actorType).toBe("user");
    expect(log[0].requestId).toBeTruthy();
  });

  it("the scheduled job marks undecided applications older than 60 days as rejected, once", async () => {
    const body = {
      customerName: "Silent KK",
      plan: "entry",
      contacts: [{ name: "A", email: "a@example.jp", language: "ja" }],
    };
    const old = (
      await app.api("post", "/contracts", {
        body: { ...body, receivedAt: "2026-10-01T09:00:00+09:00" },
      })
    ).body;
    const fresh = (
      await app.api("post", "/contracts", {
        body: { ...body, receivedAt: "2026-12-01T09:00:00+09:00" },
      })
    ).body;
    const deps = createContractsDeps(app.platform.db.dataSource);
    expect(await expireApplications(deps, app.clock.now())).toContain(old.id);
    expect(await expireApplications(deps, app.clock.now())).not.toContain(old.id);
    expect((await app.api("get", `/contracts/${old.id}`)).body.status).toBe("rejected");
    expect((await app.api("get", `/contracts/${fresh.id}`)).body.status).toBe("applied");
  });
});
