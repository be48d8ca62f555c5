import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jstMonthStartMs } from "../time/jst.js";
import { managedFee } from "./component-charges.js";
import { computeInvoice } from "./invoice.js";
import { hundredths } from "./money.js";
import { aScenario } from "./scenario.fixtures.js";
import {
  type BillingScenario,
  OUTAGE_CAUSES,
  OUTAGE_SCOPES,
  type Outage,
  type ScenarioComponent,
} from "./scenario.js";
import { PLANS, TARIFF_2026, withOverrides } from "./tariff.js";

const MONTHS = ["2026-04", "2026-11", "2026-12", "2027-02"] as const;
const MINUTE = 60_000;

const arbComponent: fc.Arbitrary<Omit<ScenarioComponent, "id">> = fc.record({
  os: fc.constantFrom("linux", "windows"),
  activeFrom: fc.constantFrom("2026-04-15", "2026-04-20", "2026-11-05", "2026-12-31"),
  activeUntil: fc.constantFrom(null, null, "2026-11-01", "2027-01-31"),
  capRelaxations: fc.integer({ min: 0, max: 3 }),
});
const withIds = (list: Omit<ScenarioComponent, "id">[]) =>
  list.map((c, i) => ({ ...c, id: `vm-${i}` }));

/** An outage starting up to 40 days before the month's start and lasting up to 45 days. */
const arbOutage = (month: string): fc.Arbitrary<Outage> =>
  fc
    .record({
      scope: fc.constantFrom(...OUTAGE_SCOPES),
      cause: fc.constantFrom(...OUTAGE_CAUSES),
      startMin: fc.integer({ min: -40 * 1_440, max: 31 * 1_440 }),
      lengthMin: fc.integer({ min: 0, max: 45 * 1_440 }),
      open: fc.boolean(),
    })
    .map(({ scope, cause, startMin, lengthMin, open }) => {
      const knownAtMs = jstMonthStartMs(month) + startMin * MINUTE;
      return {
        scope,
        cause,
        knownAtMs,
        restoredAtMs: open ? null : knownAtMs + lengthMin * MINUTE,
      };
    });

const arbScenario = (opts: {
  maxOutages: number;
  graduatedOnly: boolean;
}): fc.Arbitrary<BillingScenario> =>
  fc.constantFrom(...MONTHS).chain((month) =>
    fc
      .record({
        plan: fc.constantFrom(...PLANS),
        tierMode: opts.graduatedOnly
          ? fc.constant(null)
          : fc.constantFrom(null, "graduated" as const, "volume" as const),
        comps: fc.array(arbComponent, { maxLength: 30 }),
        services: fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 3 }),
        outages: fc.array(arbOutage(month), { maxLength: opts.maxOutages }),
        incidentResponses: fc.integer({ min: 0, max: 10 }),
        incidentOverageYen: fc.option(fc.integer({ min: 0, max: 50_000 })),
        taxHundredths: fc.integer({ min: 0, max: 2_500 }),
      })
      .map((r) =>
        aScenario({
          month,
          contract: { plan: r.plan, tierMode: r.tierMode },
          components: withIds(r.comps),
          serviceFees: r.services.map((monthlyYen, i) => ({ name: `svc-${i}`, monthlyYen })),
          outages: r.outages,
          incidentResponses: r.incidentResponses,
          tariffOverrides: {
            incidentOverageYen: r.incidentOverageYen,
            taxRatePercent: r.taxHundredths / 100,
          },
        }),
      ),
  );

const sumOf = (lines: { code: string; amountYen: number }[], code: string) =>
  lines.filter((l) => l.code === code).reduce((s, l) => s + l.amountYen, 0);

describe("invoice invariants", () => {
  it("never exempts more than a scope's monthly fee", () => {
    fc.assert(
      fc.property(arbScenario({ maxOutages: 8, graduatedOnly: false }), (scenario) => {
        const { lines } = computeInvoice(scenario);
        const tariff = withOverrides(TARIFF_2026, scenario.tariffOverrides);
        const managed = managedFee(scenario, scenario.month, scenario.contract.plan, tariff).feeYen;
        const service = scenario.serviceFees.reduce((s, f) => s + f.monthlyYen, 0);
        expect(-sumOf(lines, "exemption_managed")).toBeLessThanOrEqual(managed);
        expect(-sumOf(lines, "exemption_service")).toBeLessThanOrEqual(service);
        for (const line of lines.filter((l) => l.code.startsWith("exemption"))) {
          expect(line.amountYen).toBeLessThan(0);
        }
      }),
    );
  });

  it("keeps every amount and total an integer and the totals consistent", () => {
    fc.assert(
      fc.property(arbScenario({ maxOutages: 4, graduatedOnly: false }), (scenario) => {
        const invoice = computeInvoice(scenario);
        for (const line of invoice.lines) {
          for (const n of [line.quantity, line.unitYen, line.amountYen])
            expect(Number.isSafeInteger(n)).toBe(true);
        }
        for (const n of [invoice.subtotalYen, invoice.taxYen, invoice.totalYen])
          expect(Number.isSafeInteger(n)).toBe(true);
        const taxable = invoice.lines.filter((l) => l.taxable).reduce((s, l) => s + l.amountYen, 0);
        const other = invoice.lines.filter((l) => !l.taxable).reduce((s, l) => s + l.amountYen, 0);
        expect(invoice.subtotalYen).toBe(taxable);
        expect(invoice.totalYen).toBe(invoice.subtotalYen + invoice.taxYen + other);
      }),
    );
  });

  it("computes tax as floor(rate × subtotal)", () => {
    fc.assert(
      fc.property(arbScenario({ maxOutages: 2, graduatedOnly: false }), (scenario) => {
        const { subtotalYen, taxYen } = computeInvoice(scenario);
        const rate = BigInt(hundredths(scenario.tariffOverrides.taxRatePercent ?? 10));
        // 10,000 × tax ≤ rate(hundredths of %) × subtotal < 10,000 × (tax + 1)
        const scaled = rate * BigInt(subtotalYen);
        expect(10_000n * BigInt(taxYen) <= scaled && scaled < 10_000n * BigInt(taxYen + 1)).toBe(
          true,
        );
      }),
    );
  });

  // Graduated tiers only: in volume mode 21 components can cost less than 20 (Entry: 60,000 →
  // 58,800), which is what volume pricing means. At most one outage per scope, because several
  // capped outages can round to a total that shrinks by a yen as the fee grows.
  it("never lowers the total when a component is added", () => {
    const oneOutagePerScope = (s: BillingScenario) =>
      OUTAGE_SCOPES.every((scope) => s.outages.filter((o) => o.scope === scope).length <= 1);
    fc.assert(
      fc.property(
        arbScenario({ maxOutages: 2, graduatedOnly: true }),
        arbComponent,
        (scenario, extra) => {
          fc.pre(oneOutagePerScope(scenario));
          const more = {
            ...scenario,
            components: [...scenario.components, { ...extra, id: "vm-extra" }],
          };
          expect(computeInvoice(more).totalYen).toBeGreaterThanOrEqual(
            computeInvoice(scenario).totalYen,
          );
        },
      ),
    );
  });

  it("does lower the total at the 20 → 21 step in volume mode (documented, not a bug)", () => {
    const entry = (count: number) =>
      aScenario({
        contract: { plan: "entry", tierMode: "volume" },
        components: withIds(
          Array.from({ length: count }, () => ({
            os: "linux" as const,
            activeFrom: "2026-04-15",
            activeUntil: null,
            capRelaxations: 0,
          })),
        ),
      });
    expect(computeInvoice(entry(20)).subtotalYen).toBe(10_000 + 60_000);
    expect(computeInvoice(entry(21)).subtotalYen).toBe(10_000 + 58_800);
  });
});
