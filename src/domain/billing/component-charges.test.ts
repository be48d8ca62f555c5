import { describe, expect, it } from "vitest";
import {
  billedComponents,
  componentLines,
  initialFeeLines,
  managedFee,
} from "./component-charges.js";
import { aScenario, components } from "./scenario.fixtures.js";
import type { ScenarioComponent } from "./scenario.js";
import { TARIFF_2026, type Plan, type TierMode, withOverrides } from "./tariff.js";

const total = (lines: { amountYen: number }[]) => lines.reduce((sum, l) => sum + l.amountYen, 0);
const feeOf = (plan: Plan, comps: ScenarioComponent[], tierMode: TierMode | null = null) =>
  managedFee(
    aScenario({ components: comps, contract: { plan, tierMode } }),
    "2026-11",
    plan,
    TARIFF_2026,
  ).feeYen;

describe(componentLines.name, () => {
  const standard = TARIFF_2026.plans.standard.linux;
  it.each([
    // count, graduated, volume (Standard: 9,000 / 8,200 / 7,400)
    [0, 0, 0],
    [1, 9_000, 9_000],
    [5, 45_000, 45_000],
    [6, 45_000 + 8_200, 6 * 8_200],
    [20, 45_000 + 15 * 8_200, 20 * 8_200],
    [21, 45_000 + 15 * 8_200 + 7_400, 21 * 7_400],
    [25, 45_000 + 15 * 8_200 + 5 * 7_400, 25 * 7_400],
  ])("prices %i components at %i graduated and %i volume", (count, graduated, volume) => {
    expect(total(componentLines(count, standard, "graduated", "standard"))).toBe(graduated);
    expect(total(componentLines(count, standard, "volume", "standard"))).toBe(volume);
  });

  it("writes one line per band used", () => {
    const lines = componentLines(21, standard, "graduated", "standard, Linux row");
    expect(lines.map((l) => [l.code, l.quantity, l.unitYen, l.amountYen])).toEqual([
      ["component", 5, 9_000, 45_000],
      ["component", 15, 8_200, 123_000],
      ["component", 1, 7_400, 7_400],
    ]);
    expect(lines[2]?.description).toBe(
      "Component 21 at 7,400 yen (standard, Linux row, graduated)",
    );
  });
});

describe(managedFee.name, () => {
  it.each([
    ["entry", 25, 89_000],
    ["standard", 8, 89_600],
    ["advanced", 8, 131_000],
    ["premium", 4, 150_000],
  ] as const)("%s with %i Linux components costs %i", (plan, count, fee) => {
    expect(feeOf(plan, components(count))).toBe(fee);
  });

  it("takes the tier mode from the contract, else the tariff", () => {
    expect(feeOf("standard", components(6), "volume")).toBe(20_000 + 6 * 8_200);
    expect(feeOf("standard", components(6), null)).toBe(20_000 + 45_000 + 8_200);
  });

  it.each(["entry", "standard", "advanced"] as const)(
    "ignores Windows in a %s contract",
    (plan) => {
      const mixed = [...components(3), ...components(5, "windows", "2026-04-15", "win")];
      expect(feeOf(plan, mixed)).toBe(feeOf(plan, components(8)));
    },
  );

  it("moves every Premium component to the Windows row when any one is Windows", () => {
    const mixed = [...components(3), ...components(1, "windows", "2026-04-15", "win")];
    expect(feeOf("premium", mixed)).toBe(50_000 + 4 * 30_000);
    expect(
      feeOf("premium", [...components(23), ...components(1, "windows", "2026-04-15", "win")]),
    ).toBe(50_000 + 5 * 30_000 + 15 * 25_000 + 4 * 21_000);
  });

  it("judges Premium's Windows rule on the month's components", () => {
    const gone = {
      ...components(1, "windows", "2026-04-15", "win")[0]!,
      activeUntil: "2026-10-31",
    };
    expect(feeOf("premium", [...components(3), gone])).toBe(50_000 + 3 * 25_000);
  });

  it("charges each cap relaxation step as its own 2,000 yen line", () => {
    const [relaxed, plain] = components(2);
    const result = managedFee(
      aScenario({ components: [{ ...relaxed!, capRelaxations: 3 }, plain!] }),
      "2026-11",
      "standard",
      TARIFF_2026,
    );
    const steps = result.lines.filter((l) => l.code === "cap_relaxation");
    expect(steps.map((l) => [l.quantity, l.unitYen, l.amountYen])).toEqual([
      [1, 2_000, 2_000],
      [1, 2_000, 2_000],
      [1, 2_000, 2_000],
    ]);
    expect(steps[2]?.description).toBe("Cap relaxation step 3 of 3, vm-01 (cap 800 series)");
    expect(result.feeYen).toBe(20_000 + 2 * 9_000 + 6_000);
  });

  it("charges a relaxed component once when steps are not charged separately", () => {
    const comps = [{ ...components(1)[0]!, capRelaxations: 3 }];
    const tariff = {
      ...withOverrides(TARIFF_2026, { capRelaxationYen: 2_500 }),
      relaxationChargedPerStep: false,
    };
    const result = managedFee(aScenario({ components: comps }), "2026-11", "standard", tariff);
    expect(result.lines.filter((l) => l.code === "cap_relaxation").map((l) => l.amountYen)).toEqual(
      [2_500],
    );
  });
});

describe(billedComponents.name, () => {
  const comp = (id: string, activeFrom: string, activeUntil: string | null): ScenarioComponent => ({
    id,
    os: "linux",
    activeFrom,
    activeUntil,
    capRelaxations: 0,
  });

  it("bills a component active on any day of the month, without proration", () => {
    const scenario = aScenario({
      components: [
        comp("added-last-day", "2026-11-30", null),
        comp("removed-first-day", "2026-04-15", "2026-11-01"),
        comp("removed-before", "2026-04-15", "2026-10-31"),
        comp("added-after", "2026-12-01", null),
      ],
    });
    expect(billedComponents(scenario, "2026-11").map((c) => c.id)).toEqual([
      "added-last-day",
      "removed-first-day",
    ]);
  });

  it("bills nothing outside the contract", () => {
    const scenario = aScenario({ contract: { endDate: "2026-10-31" }, components: components(2) });
    expect(billedComponents(scenario, "2026-11")).toEqual([]);
    expect(billedComponents(scenario, "2026-10")).toHaveLength(2);
  });
});

describe(initialFeeLines.name, () => {
  const codes = (lines: ReturnType<typeof initialFeeLines>) =>
    lines.map((l) => [l.code, l.quantity, l.amountYen]);

  it("charges 50,000 plus 10,000 per component beyond five at the start date", () => {
    const scenario = aScenario({ month: "2026-04", components: components(8) });
    expect(codes(initialFeeLines(scenario, TARIFF_2026))).toEqual([
      ["initial", 1, 50_000],
      ["initial_extra", 3, 30_000],
    ]);
  });

  it("charges only the base initial fee for five components, and only in the start month", () => {
    expect(
      codes(
        initialFeeLines(aScenario({ month: "2026-04", components: components(5) }), TARIFF_2026),
      ),
    ).toEqual([["initial", 1, 50_000]]);
    expect(initialFeeLines(aScenario({ components: components(8) }), TARIFF_2026)).toEqual([]);
  });

  it("charges 10,000 for a component added after the start date, even in the start month", () => {
    const scenario = aScenario({
      month: "2026-04",
      components: [...components(3), ...components(1, "linux", "2026-04-20", "added")],
    });
    expect(codes(initialFeeLines(scenario, TARIFF_2026))).toEqual([
      ["initial", 1, 50_000],
      ["component_added", 1, 10_000],
    ]);
  });

  it("charges an added component in the month it is added, once", () => {
    const comps = [...components(8), ...components(2, "windows", "2026-11-05", "new")];
    expect(codes(initialFeeLines(aScenario({ components: comps }), TARIFF_2026))).toEqual([
      ["component_added", 2, 20_000],
    ]);
    expect(
      initialFeeLines(aScenario({ month: "2026-12", components: comps }), TARIFF_2026),
    ).toEqual([]);
  });

  it("counts a component active before the start date as present at the start", () => {
    const scenario = aScenario({
      month: "2026-04",
      components: components(6, "linux", "2026-04-01"),
    });
    expect(codes(initialFeeLines(scenario, TARIFF_2026))).toEqual([
      ["initial", 1, 50_000],
      ["initial_extra", 1, 10_000],
    ]);
  });
});
