import { describe, expect, it } from "vitest";
import { aScenario, components, outage } from "./scenario.fixtures.js";
import { TARIFF_2026 } from "./tariff.js";
import { validateScenario } from "./validate.js";

describe(validateScenario.name, () => {
  it("accepts a consistent scenario", () => {
    expect(validateScenario(aScenario({ components: components(3) }))).toEqual([]);
  });

  it.each([
    [
      "a month before the contract",
      aScenario({ month: "2026-03" }),
      ["month"],
      "is before the contract's start month 2026-04",
    ],
    [
      "a month after the contract",
      aScenario({ contract: { endDate: "2026-10-31" } }),
      ["month"],
      "is after the contract's end month 2026-10",
    ],
    [
      "an end before the start",
      aScenario({ contract: { endDate: "2026-04-14" }, month: "2026-04" }),
      ["contract", "endDate"],
      "is before startDate",
    ],
    [
      "runbook minutes on Standard",
      aScenario({ runbookMinutes: 10 }),
      ["runbookMinutes"],
      "runbook execution is a Premium capability; must be 0 for this plan",
    ],
    [
      "a downgrade in the start month",
      aScenario({ downgrade: { fromPlan: "advanced", effectiveMonth: "2026-04" } }),
      ["downgrade", "effectiveMonth"],
      "must be after the contract's start month 2026-04",
    ],
    [
      "a duplicate component id",
      aScenario({ components: [...components(2), ...components(1)] }),
      ["components", 2, "id"],
      "duplicate component id vm-01",
    ],
    [
      "a component removed before it was added",
      aScenario({ components: [{ ...components(1)[0]!, activeUntil: "2026-04-14" }] }),
      ["components", 0, "activeUntil"],
      "is before activeFrom",
    ],
    [
      "an outage restored before it was known",
      aScenario({
        outages: [outage("managed", "provider_fault", "2026-11-10 09:00", "2026-11-10 08:59")],
      }),
      ["outages", 0, "restoredAt"],
      "is before knownAt",
    ],
    [
      "a liability claim after 30 days",
      aScenario({
        liabilityCredits: [{ damageDate: "2026-09-10", claimDate: "2026-10-12", amountYen: 1 }],
      }),
      ["liabilityCredits", 0, "claimDate"],
      "claim made 32 days after the damage: Art. 21 (2) accepts claims within 30 days",
    ],
    [
      "damage before the contract",
      aScenario({
        liabilityCredits: [{ damageDate: "2026-04-01", claimDate: "2026-04-02", amountYen: 1 }],
      }),
      ["liabilityCredits", 0, "damageDate"],
      "is before the contract's startDate",
    ],
  ])("names %s", (_, scenario, path, message) => {
    expect(validateScenario(scenario)).toEqual([{ path, message }]);
  });

  it("needs a tariff in force in the month", () => {
    const late = { ...TARIFF_2026, effectiveFrom: "2030-01" };
    expect(validateScenario(aScenario(), [late])).toEqual([
      { path: ["month"], message: "no tariff is in force in this month" },
    ]);
  });
});
