import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps } from "../../src/billing/close/close.store.js";
import { runMonthlyClose } from "../../src/billing/close/run-close.js";
import type { UsageSource } from "../../src/billing/close/usage-source.js";
import { createContractsDeps } from "../../src/contracts/contract.store.js";
import { runLifecycle } from "../../src/contracts/lifecycle-ops.js";
import { startTestApp, type ApiClient, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Issue 15 through the API and the stored monthly close: plan history, termination reasons,
// an added VM's fee, relaxation history, carried-forward credits, tariffs as data, adjustments.
const vms = (n: number) =>
  Array.from({ length: n }, (_, i) => `vm-${String(i + 1).padStart(2, "0")}`);

describe("contract changes billed by the monthly close", () => {
  let app: TestApp;
  let token = "";
  const ids = {} as Record<
    "relax" | "down" | "up" | "fault" | "customer" | "added" | "credit" | "tariff",
    string
  >;
  let relaxComponent = "";
  // Incident responses counted for the tariff contract only (5 → 2 beyond the quota of 3).
  const usage: UsageSource = {
    usageOf: (_q, contractIds) =>
      Promise.resolve(
        new Map(
          contractIds
            .filter((id) => id === ids.tariff)
            .map((id) => [id, { incidentResponses: 5, runbookMinutes: 0 }]),
        ),
      ),
  };
  const close = (month: string, nowIso: string) =>
    runMonthlyClose({
      deps: closeDeps(app.platform.db.dataSource, usage),
      month,
      now: new Date(nowIso),
    });
  const invoice = async (contractId: string, month: string) =>
    (
      await app.platform.db.dataSource.query<any[]>(
        `SELECT * FROM invoices WHERE contract_id = $1 AND month = $2 ORDER BY revision DESC LIMIT 1`,
        [contractId, month],
      )
    )[0];
  const totals = (row: any) => [
    Number(row.subtotal_yen),
    Number(row.tax_yen),
    Number(row.total_yen),
  ];
  const codes = (row: any) => row.lines.map((l: any) => l.code);
  const at = async (iso: string) => {
    app.clock.set(new Date(iso));
    const { email, password } = app.platform.bootstrapAdmin!;
    token = (await app.api("post", "/auth/login", { token: null, body: { email, password } })).body
      .token;
  };
  const asAdmin: ApiClient = (method, path, opts = {}) => app.api(method, path, { token, ...opts });
  const api = (method: string, path: string, body?: unknown) =>
    app.api(method, path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2026-09-20T01:00:00Z") });
    await at("2026-09-20T10:00:00+09:00");
    const make = async (plan: string, n: number) =>
      (await makeContract(asAdmin, { plan, startDate: "2026-04-15", components: vms(n) })).contract
        .id as string;
    ids.relax = await make("standard", 1);
    ids.down = await make("advanced", 8);
    ids.up = await make("standard", 8);
    ids.fault = await make("standard", 8);
    ids.customer = await make("standard", 8);
    ids.added = await make("standard", 1);
    ids.credit = await make("standard", 1);
    ids.tariff = await make("entry", 1);
    relaxComponent = (await api("get", `/contracts/${ids.relax}/components`)).body.items[0].id;
  });
  afterAll(() => app?.stop());

  it("a relaxation step added in October does not reprice September's revision", async () => {
    expect((await close("2026-09", "2026-10-01T00:05:00+09:00")).failed).toEqual([]);
    expect(totals(await invoice(ids.relax, "2026-09"))).toEqual([29_000, 2_900, 31_900]);
    await at("2026-10-05T10:00:00+09:00");
    const past = await api("patch", `/components/${relaxComponent}`, {
      capRelaxations: 1,
      effectiveMonth: "2026-09",
    });
    expect(past.status).toBe(400);
    expect(past.body.issues).toEqual([
      { path: "effectiveMonth", message: "must not be before the current month 2026-10" },
    ]);
    const relaxed = await api("patch", `/components/${relaxComponent}`, { capRelaxations: 1 });
    expect(relaxed.status).toBe(200);
    expect(relaxed.body.capRelaxations).toBe(1);
    const september = await invoice(ids.relax, "2026-09");
    const revised = await api("post", `/invoices/${september.id}/revise`, {
      reason: "recheck after the relaxation",
    });
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({ revision: 2, subtotalYen: 29_000, totalYen: 31_900 });
    await close("2026-10", "2026-11-01T00:05:00+09:00");
    const october = await invoice(ids.relax, "2026-10");
    expect(totals(october)).toEqual([31_000, 3_100, 34_100]);
    expect(codes(october)).toContain("cap_relaxation");
  });

  it("records plan changes, termination reasons, an added VM, an adjustment and a tariff version", async () => {
    await at("2026-11-20T10:00:00+09:00");
    const down = await api("post", `/contracts/${ids.down}/plan-changes`, { plan: "standard" });
    expect(down.status).toBe(201);
    expect(down.body.change).toMatchObject({
      fromPlan: "advanced",
      plan: "standard",
      effectiveMonth: "2026-11",
    });
    expect(down.body.contract.plan).toBe("standard"); // effective now: routing follows at once
    const up = await api("post", `/contracts/${ids.up}/plan-changes`, {
      plan: "premium",
      effectiveMonth: "2026-12",
    });
    expect(up.status).toBe(201);
    expect(up.body.contract.plan).toBe("standard"); // next month: applied by the daily job
    const same = await api("post", `/contracts/${ids.up}/plan-changes`, {
      plan: "standard",
      effectiveMonth: "2026-11",
    });
    expect(same.status).toBe(409); // a change is already scheduled after it
    const past = await api("post", `/contracts/${ids.down}/plan-changes`, {
      plan: "premium",
      effectiveMonth: "2026-10",
    });
    expect(past.status).toBe(400);
    expect(past.body.issues[0].path).toBe("effectiveMonth");

    const fault = await api("post", `/contracts/${ids.fault}/terminate`, {
      reason: "provider_fault",
    });
    expect(fault.status).toBe(200);
    expect(fault.body).toMatchObject({ status: "terminated", terminationReason: "provider_fault" });
    expect((await api("post", `/contracts/${ids.customer}/terminate`)).body.terminationReason).toBe(
      "customer",
    );
    const badReason = await api("post", `/contracts/${ids.relax}/terminate`, { reason: "bored" });
    expect(badReason.status).toBe(400);
    expect(badReason.body.issues[0].path).toBe("reason");

    const added = await api("post", `/contracts/${ids.added}/components`, {
      name: "vm-02",
      os: "linux",
    });
    expect(added.status).toBe(201);
    expect(added.body.activeFrom).toBe("2026-11-20"); // the day it is added, JST

    const adjustment = {
      month: "2026-11",
      reason: "Disaster waiver (Appx 3 §7)",
      amountYen: -50_000,
      approvedBy: "Billing manager Sato",
    };
    const noApprover = await api("post", `/contracts/${ids.credit}/adjustments`, {
      ...adjustment,
      approvedBy: "",
    });
    expect(noApprover.status).toBe(400);
    expect(noApprover.body.issues[0].path).toBe("approvedBy");
    expect((await api("post", `/contracts/${ids.credit}/adjustments`, adjustment)).status).toBe(
      201,
    );

    const entryPrices = {
      baseYen: 12_000,
      linux: [
        { upTo: 5, unitYen: 4_000 },
        { upTo: 20, unitYen: 3_000 },
        { upTo: null, unitYen: 2_800 },
      ],
      anyWindows: null,
    };
    const now = await api("post", "/tariffs", {
      version: "2026-11b",
      effectiveFrom: "2026-11",
      plans: { entry: entryPrices },
    });
    expect(now.status).toBe(400);
    expect(now.body.issues[0].path).toBe("effectiveFrom");
    const tariff = await api("post", "/tariffs", {
      version: "2026-12",
      effectiveFrom: "2026-12",
      plans: { entry: entryPrices },
      incidentOverageYen: 5_000,
    });
    expect(tariff.status).toBe(201);
    expect(tariff.body.tariff).toMatchObject({ taxRatePercent: 10, incidentOverageYen: 5_000 });
    // Quotes price with the stored versions too.
    const quote = (month: string) =>
      api("post", "/billing/preview", {
        month,
        contract: { plan: "entry", startDate: "2026-04-15" },
        components: [{ id: "vm-01", os: "linux" }],
      });
    expect((await quote("2026-12")).body.subtotalYen).toBe(16_000);
    expect((await quote("2026-11")).body.subtotalYen).toBe(14_000);
    const audited = await app.platform.db.dataSource.query<any[]>(
      `SELECT action FROM audit_log WHERE action IN ('tariff.create', 'invoice_adjustment.create', 'contract.plan_change')`,
    );
    expect(audited.map((a) => a.action).sort()).toEqual([
      "contract.plan_change",
      "contract.plan_change",
      "invoice_adjustment.create",
      "tariff.create",
    ]);
  });

  it("closes November: downgrade charge, provider fault without early termination, added VM fee, credit carried forward", async () => {
    expect((await close("2026-11", "2026-12-01T00:05:00+09:00")).failed).toEqual([]);
    // 8 components: advanced 131,000 → standard 89,600; 5 months (Dec–Apr) × 41,400.
    const down = await invoice(ids.down, "2026-11");
    expect(down.lines.find((l: any) => l.code === "downgrade")).toMatchObject({
      quantity: 5,
      unitYen: 41_400,
      amountYen: 207_000,
    });
    expect(totals(down)).toEqual([296_600, 29_660, 326_260]);
    expect(totals(await invoice(ids.up, "2026-11"))).toEqual([89_600, 8_960, 98_560]);
    const fault = await invoice(ids.fault, "2026-11");
    expect(codes(fault)).not.toContain("early_termination");
    expect(totals(fault)).toEqual([89_600, 8_960, 98_560]);
    const customer = await invoice(ids.customer, "2026-11");
    expect(customer.lines.find((l: any) => l.code === "early_termination")).toMatchObject({
      quantity: 5,
      amountYen: 448_000,
    });
    const added = await invoice(ids.added, "2026-11");
    expect(added.lines.find((l: any) => l.code === "component_added")).toMatchObject({
      amountYen: 10_000,
    });
    expect(totals(added)).toEqual([48_000, 4_800, 52_800]);
    // 29,000 − 50,000: never a negative invoice; 21,000 carried to December.
    const credit = await invoice(ids.credit, "2026-11");
    expect(totals(credit)).toEqual([0, 0, 0]);
    expect(credit.lines.slice(-2)).toMatchObject([
      { code: "adjustment", amountYen: -50_000 },
      { code: "credit_carried_forward", amountYen: 21_000, taxable: true },
    ]);
    const tariff = await invoice(ids.tariff, "2026-11");
    expect(tariff.lines.find((l: any) => l.code === "incident_overage")).toMatchObject({
      quantity: 2,
      amountYen: 0,
      toBeQuoted: true,
    });
    expect(totals(tariff)).toEqual([14_000, 1_400, 15_400]);
  });

  it("shows the adjustment line with its reason and approver on the invoice CSV and HTML", async () => {
    await at("2026-12-01T10:00:00+09:00");
    const { id } = await invoice(ids.credit, "2026-11");
    const csv = await api("get", `/invoices/${id}.csv`);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain("adjustment");
    expect(csv.body).toContain("Disaster waiver (Appx 3 §7) (approved by Billing manager Sato)");
    expect(csv.body).toContain("-50000");
    const html = await api("get", `/invoices/${id}.html`);
    expect(html.status).toBe(200);
    expect(html.body).toContain("Disaster waiver (Appx 3 §7) (approved by Billing manager Sato)");
    expect(html.body).toContain("<td>調整</td>");
    expect(html.body).toContain("-¥50,000");
  });

  it("the daily job applies the upgrade in December; the close uses the new tariff from December only", async () => {
    const run = await runLifecycle(
      createContractsDeps(app.platform.db.dataSource),
      app.clock.now(),
    );
    expect(run.plansApplied).toBe(1);
    expect((await api("get", `/contracts/${ids.up}`)).body.plan).toBe("premium");
    expect(
      (await runLifecycle(createContractsDeps(app.platform.db.dataSource), app.clock.now()))
        .plansApplied,
    ).toBe(0);
    const history = await api("get", `/contracts/${ids.up}/plan-changes`);
    expect(history.body).toMatchObject([
      { fromPlan: "standard", plan: "premium", effectiveMonth: "2026-12" },
    ]);

    expect((await close("2026-12", "2027-01-01T00:05:00+09:00")).failed).toEqual([]);
    const up = await invoice(ids.up, "2026-12");
    expect(codes(up)).not.toContain("downgrade"); // an upgrade costs no charge
    expect(totals(up)).toEqual([238_000, 23_800, 261_800]);
    const credit = await invoice(ids.credit, "2026-12");
    expect(credit.lines.at(-1)).toMatchObject({
      code: "credit_brought_forward",
      amountYen: -21_000,
    });
    expect(totals(credit)).toEqual([8_000, 800, 8_800]);
    const tariff = await invoice(ids.tariff, "2026-12");
    expect(tariff.tariff_version).toBe("2026-12");
    expect(tariff.lines.find((l: any) => l.code === "incident_overage")).toMatchObject({
      quantity: 2,
      unitYen: 5_000,
      amountYen: 10_000,
    });
    expect(totals(tariff)).toEqual([26_000, 2_600, 28_600]);
    expect((await invoice(ids.tariff, "2026-11")).tariff_version).toBe("2026-01");
    expect(await invoice(ids.fault, "2026-12")).toBeUndefined();
  });
});
