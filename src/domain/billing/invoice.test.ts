import { describe, expect, it } from "vitest";
import { computeInvoice, invoiceTotals, settleInvoice } from "./invoice.js";
import { amountLine, pricedLine } from "./invoice-line.js";
import { aScenario, components, outage } from "./scenario.fixtures.js";
import { TARIFF_2026, TARIFF_VERSIONS, type Tariff } from "./tariff.js";

const codes = (scenario: Parameters<typeof computeInvoice>[0], versions?: readonly Tariff[]) =>
  computeInvoice(scenario, versions).lines.map((l) => [l.code, l.amountYen]);

describe(invoiceTotals.name, () => {
  it("taxes the taxable subtotal once, rounded down, and adds non-taxable lines after tax", () => {
    const lines = [
      pricedLine("base", "base", 1, 20_000),
      pricedLine("component", "c", 3, 1_001),
      amountLine("exemption_managed", "e", -1_234),
      amountLine("late_interest", "i", 1_761, false),
    ];
    // subtotal 21,769 → tax floor(2,176.9) = 2,176
    expect(invoiceTotals(lines, 10)).toEqual({
      subtotalYen: 21_769,
      taxYen: 2_176,
      totalYen: 25_706,
    });
  });
});

describe(computeInvoice.name, () => {
  it("writes the SPEC §7 invoice shape in line order", () => {
    const invoice = computeInvoice(
      aScenario({
        components: components(8),
        serviceFees: [{ name: "storage", monthlyYen: 30_000 }],
        outages: [outage("managed", "provider_fault", "2026-11-10 09:00", "2026-11-13 08:00")],
        incidentResponses: 4,
        latePayments: [{ amountYen: 98_560, dueDate: "2026-12-31", paidDate: "2027-02-15" }],
      }),
    );
    expect(invoice.lines.map((l) => [l.code, l.amountYen])).toEqual([
      ["base", 20_000],
      ["component", 45_000],
      ["component", 24_600],
      ["service_fee", 30_000],
      ["exemption_managed", -5_973],
      ["incident_overage", 0],
      ["late_interest", 1_761],
    ]);
    expect(invoice).toMatchObject({
      month: "2026-11",
      currency: "JPY",
      subtotalYen: 113_627,
      taxYen: 11_362,
      totalYen: 126_750,
      tariffVersion: "2026-01",
    });
  });

  it("bills a contract that starts and ends on the same day for one month", () => {
    const scenario = aScenario({
      month: "2026-11",
      contract: { startDate: "2026-11-15", endDate: "2026-11-15", terminatedByProviderFault: true },
      components: components(2, "linux", "2026-11-15"),
    });
    expect(codes(scenario)).toEqual([
      ["base", 20_000],
      ["component", 18_000],
      ["initial", 50_000],
    ]);
    // Not by the provider's fault: the rest of the minimum term (12 months) is charged too.
    const customerEnded = {
      ...scenario,
      contract: { ...scenario.contract, terminatedByProviderFault: false },
    };
    expect(codes(customerEnded).at(-1)).toEqual(["early_termination", 12 * 38_000]);
  });

  it("charges early termination on the managed fee plus service fees", () => {
    const scenario = aScenario({
      contract: { endDate: "2026-11-20" },
      components: components(8),
      serviceFees: [{ name: "storage", monthlyYen: 30_000 }],
    });
    expect(codes(scenario).at(-1)).toEqual(["early_termination", 5 * 119_600]);
  });

  it("charges a downgrade on the old plan's fee for the same components", () => {
    const scenario = aScenario({
      components: components(8),
      downgrade: { fromPlan: "advanced", effectiveMonth: "2026-11" },
    });
    expect(codes(scenario).at(-1)).toEqual(["downgrade", 5 * (131_000 - 89_600)]);
    expect(codes({ ...scenario, month: "2026-10" })[0]).toEqual(["base", 20_000]);
    expect(computeInvoice({ ...scenario, month: "2026-10" }).subtotalYen).toBe(131_000);
  });

  it("caps a liability credit at the damaged month's fee, under the plan then in force", () => {
    const scenario = aScenario({
      components: components(8),
      downgrade: { fromPlan: "advanced", effectiveMonth: "2026-10" },
      liabilityCredits: [{ damageDate: "2026-09-10", claimDate: "2026-09-25", amountYen: 200_000 }],
    });
    expect(codes(scenario).filter(([code]) => code === "liability_credit")).toEqual([
      ["liability_credit", -131_000],
    ]);
    // Never a negative invoice: the 41,400 beyond the month is carried to the next one.
    const invoice = computeInvoice(scenario);
    expect(invoice.lines.at(-1)).toMatchObject({
      code: "credit_carried_forward",
      amountYen: 131_000 - 89_600,
      taxable: true,
    });
    expect([invoice.subtotalYen, invoice.taxYen, invoice.totalYen]).toEqual([0, 0, 0]);
  });

  it("brings a carried credit forward and an adjustment line with its approver", () => {
    const invoice = computeInvoice(
      aScenario({
        components: components(8),
        adjustments: [
          { reason: "Advance payment", approvedBy: "Sato", amountYen: -9_600, taxable: true },
        ],
        creditsBroughtForward: [{ fromMonth: "2026-10", amountYen: 41_400, taxable: true }],
      }),
    );
    expect(invoice.lines.slice(-2).map((l) => [l.code, l.amountYen])).toEqual([
      ["adjustment", -9_600],
      ["credit_brought_forward", -41_400],
    ]);
    expect(invoice.lines.at(-2)!.description).toBe("Advance payment (approved by Sato)");
    expect([invoice.subtotalYen, invoice.taxYen, invoice.totalYen]).toEqual([
      38_600, 3_860, 42_460,
    ]);
  });

  it("carries a non-taxable reduction larger than the total as a non-taxable credit", () => {
    const lines = [
      amountLine("base", "b", 10_000),
      amountLine("adjustment", "advance payment", -20_000, false),
    ];
    const settled = settleInvoice(lines, 10);
    expect(settled.lines.at(-1)).toMatchObject({
      code: "credit_carried_forward",
      amountYen: 9_000,
      taxable: false,
    });
    expect([settled.subtotalYen, settled.taxYen, settled.totalYen]).toEqual([10_000, 1_000, 0]);
  });

  it("charges runbook overage only on Premium, against components × 60 minutes", () => {
    const premium = aScenario({
      contract: { plan: "premium" },
      components: components(2),
      runbookMinutes: 150,
      tariffOverrides: { runbookOverageYenPerHour: 12_000 },
    });
    expect(codes(premium).at(-1)).toEqual(["runbook_overage", 6_000]);
  });

  it("never rewrites a past month when a new tariff version takes effect", () => {
    const v2027: Tariff = {
      ...TARIFF_2026,
      version: "2027-01",
      effectiveFrom: "2027-01",
      plans: { ...TARIFF_2026.plans, standard: { ...TARIFF_2026.plans.standard, baseYen: 25_000 } },
      taxRatePercent: 12,
    };
    const versions = [...TARIFF_VERSIONS, v2027];
    const december = aScenario({ month: "2026-12", components: components(8) });
    expect(computeInvoice(december, versions)).toEqual(computeInvoice(december));
    expect(computeInvoice(december, versions)).toMatchObject({
      subtotalYen: 89_600,
      taxYen: 8_960,
      tariffVersion: "2026-01",
    });
    expect(computeInvoice({ ...december, month: "2027-01" }, versions)).toMatchObject({
      subtotalYen: 94_600,
      taxYen: 11_352,
      totalYen: 105_952,
      tariffVersion: "2027-01",
    });
  });

  it("applies per-scenario tariff overrides", () => {
    const scenario = aScenario({
      components: [{ ...components(1)[0]!, capRelaxations: 2 }],
      incidentResponses: 5,
      tariffOverrides: { capRelaxationYen: 3_000, incidentOverageYen: 10_000, taxRatePercent: 8 },
    });
    const invoice = computeInvoice(scenario);
    expect(invoice.subtotalYen).toBe(20_000 + 9_000 + 6_000 + 20_000);
    expect(invoice.taxYen).toBe(4_400);
  });
});
