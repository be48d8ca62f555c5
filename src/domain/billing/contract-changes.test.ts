import { describe, expect, it } from "vitest";
import { downgradeLine, earlyTerminationLine, remainingTermMonths } from "./contract-changes.js";
import { aScenario } from "./scenario.fixtures.js";

describe(remainingTermMonths.name, () => {
  it.each([
    ["2026-04-15", "2026-11", 5], // minimum term ends 2027-04-14
    ["2026-04-15", "2027-04", 0],
    ["2026-04-15", "2027-06", 0],
    ["2026-11-15", "2026-11", 12], // ends 2027-11-14
    ["2024-02-29", "2024-12", 2], // ends 2025-02-28
  ])("start %s, month %s: %i months", (start, month, months) => {
    expect(remainingTermMonths(start, month)).toBe(months);
  });
});

describe(earlyTerminationLine.name, () => {
  it("charges the monthly fee for each month after termination up to the minimum term's end", () => {
    const scenario = aScenario({ contract: { endDate: "2026-11-20" } });
    expect(earlyTerminationLine(scenario, 119_600)).toMatchObject({
      code: "early_termination",
      quantity: 5,
      unitYen: 119_600,
      amountYen: 598_000,
      taxable: true,
    });
  });

  it.each([
    ["provider's fault", { endDate: "2026-11-20", terminatedByProviderFault: true }, "2026-11"],
    ["termination in the minimum term's last month", { endDate: "2027-04-10" }, "2027-04"],
    ["termination on the minimum term's last day", { endDate: "2027-04-14" }, "2027-04"],
    ["termination after the minimum term", { endDate: "2027-06-30" }, "2027-06"],
    ["a month before the termination month", { endDate: "2026-12-20" }, "2026-11"],
    ["no end date", { endDate: null }, "2026-11"],
  ])("charges nothing for %s", (_, contract, month) => {
    expect(earlyTerminationLine(aScenario({ month, contract }), 89_600)).toBeNull();
  });
});

describe(downgradeLine.name, () => {
  const downgraded = (fromPlan: "advanced" | "entry", effectiveMonth = "2026-11") =>
    aScenario({ downgrade: { fromPlan, effectiveMonth } });

  it("charges the fee difference for each remaining month in the effective month", () => {
    expect(downgradeLine(downgraded("advanced"), 131_000, 89_600)).toMatchObject({
      code: "downgrade",
      quantity: 5,
      unitYen: 41_400,
      amountYen: 207_000,
    });
  });

  it("charges nothing when the new fee is not lower", () => {
    expect(downgradeLine(downgraded("entry"), 49_000, 89_600)).toBeNull();
    expect(downgradeLine(downgraded("advanced"), 89_600, 89_600)).toBeNull();
  });

  it("charges nothing outside the effective month or after the minimum term", () => {
    expect(downgradeLine({ ...downgraded("advanced", "2026-10") }, 131_000, 89_600)).toBeNull();
    expect(
      downgradeLine({ ...downgraded("advanced", "2027-04"), month: "2027-04" }, 131_000, 89_600),
    ).toBeNull();
  });
});
