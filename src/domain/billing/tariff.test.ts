import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { managedFee } from "./component-charges.js";
import { computeInvoice } from "./invoice.js";
import { aScenario, components } from "./scenario.fixtures.js";
import {
  PLANS,
  type Plan,
  TARIFF_2026,
  TIER_MODES,
  type Tariff,
  type TierMode,
  findTariff,
  tariffFor,
  withOverrides,
} from "./tariff.js";

const version = (effectiveFrom: string, baseYen: number): Tariff => ({
  ...TARIFF_2026,
  version: effectiveFrom,
  effectiveFrom,
  plans: { ...TARIFF_2026.plans, standard: { ...TARIFF_2026.plans.standard, baseYen } },
});

describe(tariffFor.name, () => {
  const versions = [version("2027-01", 25_000), TARIFF_2026, version("2028-04", 30_000)];

  it.each([
    ["2026-12", "2026-01"],
    ["2027-01", "2027-01"],
    ["2028-03", "2027-01"],
    ["2028-04", "2028-04"],
  ])("prices %s with version %s", (month, expected) => {
    expect(tariffFor(month, versions).version).toBe(expected);
  });

  it("has no tariff before the first version", () => {
    expect(findTariff("1999-12", versions)).toBeUndefined();
    expect(() => tariffFor("1999-12", versions)).toThrow(RangeError);
  });
});

// The 2026 tariff checked by what it does, not by restating its table: the SPEC's worked
// examples (§6.1, §6.6) priced end to end, and the shape every price list must have.
describe("the 2026 tariff", () => {
  const invoice = (s: Parameters<typeof computeInvoice>[0]) => computeInvoice(s, [TARIFF_2026]);
  const monthly = (plan: Plan, count: number, os: "linux" | "windows" = "linux", mode?: TierMode) =>
    managedFee(
      aScenario({ contract: { plan, tierMode: mode ?? null }, components: components(count, os) }),
      "2026-11",
      plan,
      TARIFF_2026,
    ).feeYen;

  it.each([
    ["Standard, 8 Linux", "standard", components(8), 89_600, 98_560],
    [
      "Premium, 3 Linux + 1 Windows",
      "premium",
      [...components(3), ...components(1, "windows", undefined, "win")],
      170_000,
      187_000,
    ],
    ["Entry, 25", "entry", components(25), 89_000, 97_900],
  ] as const)("prices %s as SPEC §6.6 says", (_, plan, list, subtotal, total) => {
    const i = invoice(aScenario({ contract: { plan }, components: [...list] }));
    expect([i.subtotalYen, i.totalYen]).toEqual([subtotal, total]);
  });

  it("charges the initial fee in the start month: 5 covered, 10,000 yen each beyond", () => {
    const start = { contract: { startDate: "2026-11-01" }, month: "2026-11" } as const;
    const at = (n: number) =>
      invoice(aScenario({ ...start, components: components(n, "linux", "2026-11-01") }));
    expect(at(5).subtotalYen - monthly("standard", 5)).toBe(50_000);
    expect(at(8).subtotalYen).toBe(169_600);
    const later = aScenario({
      components: [...components(2), ...components(1, "linux", "2026-11-05", "new")],
    });
    expect(invoice(later).subtotalYen - monthly("standard", 3)).toBe(10_000); // added, not covered
  });

  it("bills the 4th incident response, to be quoted, and 2,000 yen per cap relaxation step", () => {
    const lines = (s: Parameters<typeof computeInvoice>[0]) => invoice(s).lines.map((l) => l.code);
    expect(lines(aScenario({ components: components(1), incidentResponses: 3 }))).not.toContain(
      "incident_overage",
    );
    const over = invoice(aScenario({ components: components(1), incidentResponses: 4 }));
    expect(over.lines.find((l) => l.code === "incident_overage")).toMatchObject({
      quantity: 1,
      amountYen: 0,
      toBeQuoted: true,
    });
    const relaxed = components(1).map((c) => ({ ...c, capRelaxations: 2 }));
    expect(invoice(aScenario({ components: relaxed })).subtotalYen - monthly("standard", 1)).toBe(
      4_000,
    );
  });

  it("never charges less for a higher plan, a Windows component, or (graduated) one more", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...TIER_MODES),
        fc.constantFrom<"linux" | "windows">("linux", "windows"),
        (n, mode, os) => {
          for (const [i, plan] of PLANS.entries()) {
            // Volume mode may: 6 Entry components (6 × 3,000) cost less than 5 (5 × 4,000).
            if (mode === "graduated")
              expect(monthly(plan, n + 1, os, mode)).toBeGreaterThan(monthly(plan, n, os, mode));
            expect(monthly(plan, n, "windows", mode)).toBeGreaterThanOrEqual(
              monthly(plan, n, "linux", mode),
            );
            if (i > 0)
              expect(monthly(plan, n, os, mode)).toBeGreaterThanOrEqual(
                monthly(PLANS[i - 1]!, n, os, mode),
              );
          }
        },
      ),
    );
  });

  it("prices each further component no higher than the one before (graduated)", () => {
    for (const plan of PLANS)
      for (let n = 1; n < 40; n++) {
        const step = (k: number) => monthly(plan, k + 1) - monthly(plan, k);
        expect(step(n)).toBeLessThanOrEqual(step(n - 1));
      }
  });
});

describe(withOverrides.name, () => {
  it("replaces only the given settings", () => {
    const t = withOverrides(TARIFF_2026, { incidentOverageYen: 5_000, taxRatePercent: undefined });
    expect(t.incidentOverageYen).toBe(5_000);
    expect(t.taxRatePercent).toBe(10);
    expect(TARIFF_2026.incidentOverageYen).toBeNull();
  });
});
