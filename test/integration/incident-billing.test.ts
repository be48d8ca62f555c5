import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps } from "../../src/billing/close/close.store.js";
import { runMonthlyClose } from "../../src/billing/close/run-close.js";
import { storedUsage } from "../../src/incidents/quota.store.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { alertFor, fire, incidentsOf, uploadIncidentRunbook } from "../support/incidents.js";

const vms = (n: number) => Array.from({ length: n }, (_, i) => `vm-${i + 1}`);

// An incident declared a total outage feeds the month's exemption; responses beyond the
// quota feed the overage line: both through the stored usage the monthly close reads.
describe("incidents into the monthly invoice", () => {
  let app: TestApp;
  let contractId = "";
  // Moving the clock by days expires the admin session: log in again at the new time.
  const loginAt = async (iso: string) => {
    app.clock.set(new Date(iso));
    const { email, password } = app.platform.bootstrapAdmin!;
    return (await app.api("post", "/auth/login", { token: null, body: { email, password } })).body
      .token as string;
  };
  const invoiceOf = async (contractId: string) =>
    (
      await app.platform.db.dataSource.query<any[]>(
        "SELECT * FROM invoices WHERE contract_id = $1 AND month = '2026-11'",
        [contractId],
      )
    )[0];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2026-11-10T00:00:00Z") }); // 09:00 JST
    const { contract, components } = await makeContract(app.api, {
      startDate: "2026-04-15",
      components: vms(8),
    });
    contractId = contract.id;
    await fire(app, alertFor(app, { contractId, componentId: components[0].id }));
  });
  afterAll(() => app?.stop());

  it("exempts the outage declared from an incident, known at detection, restored at resolution", async () => {
    const [incident] = await incidentsOf(app, contractId);
    const token = await loginAt("2026-11-12T23:00:00Z"); // 08:00 JST on the 13th: 71 h later
    const resolved = await app.api("post", `/incidents/${incident.id}/resolve`, {
      token,
      body: { reason: "host replaced" },
    });
    expect(resolved.status).toBe(200);
    const declared = await app.api("post", `/incidents/${incident.id}/outage`, {
      token: (await makeUser((m, p, o) => app.api(m, p, { token, ...o }), "noc")).token,
      body: { scope: "managed" },
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(200);
    const outage = (await app.api("get", `/outages/${declared.body.outageId}`, { token })).body;
    expect(outage).toMatchObject({
      knownAt: "2026-11-10T00:00:00.000Z",
      restoredAt: "2026-11-12T23:00:00.000Z",
      cause: null,
      incidentId: incident.id,
    });
    const again = await app.api("post", `/incidents/${incident.id}/outage`, {
      token,
      body: { scope: "managed" },
    });
    expect(again.status).toBe(409);
    const classified = await app.api("post", `/incidents/${incident.id}/classify`, {
      token,
      body: { cause: "provider_fault" },
    });
    expect(classified.body).toMatchObject({ cause: "provider_fault" });

    await runMonthlyClose({
      deps: closeDeps(app.platform.db.dataSource, storedUsage),
      month: "2026-11",
      now: new Date("2026-12-01T00:05:00+09:00"),
    });
    const invoice = await invoiceOf(contractId);
    expect([invoice.subtotal_yen, invoice.tax_yen, invoice.total_yen].map(Number)).toEqual([
      83_627, 8_362, 91_989,
    ]);
    expect(invoice.lines.at(-1)).toMatchObject({ code: "exemption_managed", amountYen: -5_973 });
  });
});

describe("response overage into the invoice", () => {
  let app: TestApp;
  afterAll(() => app?.stop());

  it("counts 5 responses of a contract with a runbook as 2 beyond the quota", async () => {
    app = await startTestApp({ now: new Date("2026-11-10T00:00:00Z") });
    const { contract, components } = await makeContract(app.api, { startDate: "2026-04-15" });
    await uploadIncidentRunbook(app, contract.id);
    const t0 = app.clock.now().getTime();
    for (let i = 0; i < 5; i++) {
      await fire(
        app,
        alertFor(app, { contractId: contract.id, componentId: components[0].id }, { atMs: t0 + i }),
      );
    }
    const db = app.platform.db.dataSource;
    const usage = async (month: string) =>
      (await storedUsage.usageOf(db, [contract.id], month)).get(contract.id);
    expect(await usage("2026-11")).toEqual({ incidentResponses: 5, runbookMinutes: 0 });
    expect(await usage("2026-12")).toBeUndefined();
    await runMonthlyClose({
      deps: closeDeps(db, storedUsage),
      month: "2026-11",
      now: new Date("2026-12-01T00:05:00+09:00"),
    });
    const [invoice] = await app.platform.db.dataSource.query<any[]>(
      "SELECT lines FROM invoices WHERE contract_id = $1",
      [contract.id],
    );
    expect(invoice.lines.find((l: any) => l.code === "incident_overage")).toMatchObject({
      quantity: 2,
    });
  });
});
