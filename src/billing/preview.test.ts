import { describe, expect, it } from "vitest";
import { TARIFF_2026, TARIFF_VERSIONS } from "../domain/billing/tariff.js";
import { previewInvoice } from "./preview.js";

const linux = (count: number, activeFrom = "2026-04-15") =>
  Array.from({ length: count }, (_, i) => ({ id: `vm-${i + 1}`, os: "linux", activeFrom }));
const standard8 = (extra: Record<string, unknown> = {}) => ({
  month: "2026-11",
  contract: { plan: "standard", startDate: "2026-04-15", endDate: null },
  components: linux(8),
  ...extra,
});
const managedOutage = (cause: string, restoredAt: string) => ({
  outages: [{ scope: "managed", cause, knownAt: "2026-11-10T09:00:00+09:00", restoredAt }],
});

function totals(json: unknown) {
  const result = previewInvoice(json);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const { subtotalYen, taxYen, totalYen } = result.invoice;
  return [subtotalYen, taxYen, totalYen];
}

describe(`${previewInvoice.name} — SPEC §6.6 worked examples`, () => {
  it.each<[string, unknown, number, number, number]>([
    ["Standard, 8 Linux components", standard8(), 89_600, 8_960, 98_560],
    [
      "Premium, 3 Linux + 1 Windows → Windows row",
      {
        month: "2026-11",
        contract: { plan: "premium", startDate: "2026-04-15", endDate: null },
        components: [...linux(3), { id: "win-1", os: "windows", activeFrom: "2026-04-15" }],
      },
      170_000,
      17_000,
      187_000,
    ],
    [
      "Entry, 25 components",
      {
        month: "2026-11",
        contract: { plan: "entry", startDate: "2026-04-15" },
        components: linux(25),
      },
      89_000,
      8_900,
      97_900,
    ],
    [
      "Standard, 8 components, start month",
      { ...standard8(), month: "2026-04" },
      169_600,
      16_960,
      186_560,
    ],
    [
      "managed provider_fault 71 h in November",
      standard8(managedOutage("provider_fault", "2026-11-13T08:00:00+09:00")),
      83_627,
      8_362,
      91_989,
    ],
    [
      "managed gross_negligence 5 h",
      standard8(managedOutage("gross_negligence", "2026-11-10T14:00:00+09:00")),
      88_978,
      8_897,
      97_875,
    ],
    [
      "managed provider_fault 23 h 59 min",
      standard8(managedOutage("provider_fault", "2026-11-11T08:59:00+09:00")),
      89_600,
      8_960,
      98_560,
    ],
  ])("%s", (_, json, subtotal, tax, total) => {
    expect(totals(json)).toEqual([subtotal, tax, total]);
  });
});

describe(previewInvoice.name, () => {
  it("writes the SPEC §7 invoice with exact lines", () => {
    const result = previewInvoice(
      standard8(managedOutage("provider_fault", "2026-11-13T08:00:00+09:00")),
    );
    expect(result).toEqual({
      ok: true,
      invoice: {
        month: "2026-11",
        currency: "JPY",
        lines: [
          {
            code: "base",
            description: "Monthly base fee (standard)",
            quantity: 1,
            unitYen: 20_000,
            amountYen: 20_000,
            taxable: true,
          },
          {
            code: "component",
            description: "Components 1–5 at 9,000 yen (standard, Linux row, graduated)",
            quantity: 5,
            unitYen: 9_000,
            amountYen: 45_000,
            taxable: true,
          },
          {
            code: "component",
            description: "Components 6–8 at 8,200 yen (standard, Linux row, graduated)",
            quantity: 3,
            unitYen: 8_200,
            amountYen: 24_600,
            taxable: true,
          },
          {
            code: "exemption_managed",
            description:
              "Managed-service outage exemption, row 3 (provider_fault): 2 × 24 h of 30 days",
            quantity: 1,
            unitYen: -5_973,
            amountYen: -5_973,
            taxable: true,
          },
        ],
        subtotalYen: 83_627,
        taxYen: 8_362,
        totalYen: 91_989,
        tariffVersion: "2026-01",
      },
    });
  });

  it("carries overage without a price as 'to be quoted' and prices it when the scenario does", () => {
    const unpriced = previewInvoice(standard8({ incidentResponses: 5 }));
    expect(unpriced.ok && unpriced.invoice.lines.at(-1)).toMatchObject({
      code: "incident_overage",
      quantity: 2,
      amountYen: 0,
      toBeQuoted: true,
    });
    expect(
      totals(standard8({ incidentResponses: 5, tariff: { incidentOverageYen: 20_000 } })),
    ).toEqual([129_600, 12_960, 142_560]);
  });

  it("adds late-payment interest after tax (SPEC §6.5 example)", () => {
    const json = standard8({
      latePayments: [{ amountYen: 98_560, dueDate: "2026-12-31", paidDate: "2027-02-15" }],
    });
    expect(totals(json)).toEqual([89_600, 8_960, 98_560 + 1_761]);
  });

  it("exempts an open outage up to the end of the month", () => {
    const open = {
      scope: "managed",
      cause: "provider_fault",
      knownAt: "2026-11-28T09:00:00+09:00",
      restoredAt: null,
    };
    expect(totals(standard8({ outages: [open] }))[0]).toBe(89_600 - 5_973);
  });

  it("answers bad input with issues and no invoice", () => {
    const result = previewInvoice(
      standard8({ contract: { plan: "gold", startDate: "2026-04-15" } }),
    );
    expect(result).toEqual({
      ok: false,
      issues: [{ path: "contract.plan", message: expect.stringContaining("Invalid option") }],
    });
  });

  it("prices with the tariff versions it is given", () => {
    const v2027 = {
      ...TARIFF_2026,
      version: "2027-01",
      effectiveFrom: "2027-01",
      taxRatePercent: 12,
    };
    const result = previewInvoice({ ...standard8(), month: "2027-01" }, [
      ...TARIFF_VERSIONS,
      v2027,
    ]);
    expect(result.ok && [result.invoice.taxYen, result.invoice.tariffVersion]).toEqual([
      10_752,
      "2027-01",
    ]);
  });
});
