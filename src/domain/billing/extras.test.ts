import { describe, expect, it } from "vitest";
import {
  claimDateProblem,
  creditMonth,
  incidentOverageLine,
  lateInterestDays,
  lateInterestLine,
  lateInterestYen,
  liabilityCreditLines,
  runbookOverageLine,
} from "./extras.js";
import { TARIFF_2026, withOverrides } from "./tariff.js";

describe(incidentOverageLine.name, () => {
  it("adds nothing within the quota of 3", () => {
    expect(incidentOverageLine(3, TARIFF_2026)).toBeNull();
    expect(incidentOverageLine(0, TARIFF_2026)).toBeNull();
  });

  it("carries unpriced overage as 'to be quoted' at 0 yen with its quantity", () => {
    expect(incidentOverageLine(5, TARIFF_2026)).toEqual({
      code: "incident_overage",
      description: "Incident responses beyond 3 in the month (to be quoted)",
      quantity: 2,
      unitYen: 0,
      amountYen: 0,
      taxable: true,
      toBeQuoted: true,
    });
  });

  it("prices overage when the tariff has a price", () => {
    const line = incidentOverageLine(5, withOverrides(TARIFF_2026, { incidentOverageYen: 15_000 }));
    expect(line).toMatchObject({ quantity: 2, unitYen: 15_000, amountYen: 30_000 });
    expect(line).not.toHaveProperty("toBeQuoted");
  });
});

describe(runbookOverageLine.name, () => {
  const priced = (perHour: number) =>
    withOverrides(TARIFF_2026, { runbookOverageYenPerHour: perHour });

  it("allows 60 minutes per component, pooled", () => {
    expect(runbookOverageLine(240, 4, TARIFF_2026)).toBeNull();
    expect(runbookOverageLine(241, 4, TARIFF_2026)).toMatchObject({
      quantity: 1,
      amountYen: 0,
      toBeQuoted: true,
    });
  });

  it.each([
    [330, 4, 10_000, 90, 15_000],
    [247, 4, 10_000, 7, 1_166], // floor(7 × 10,000 ÷ 60)
    [61, 1, 7_777, 1, 129], // floor(7,777 ÷ 60)
  ])(
    "%i min with %i components at %i yen/h: %i min over → %i yen",
    (minutes, count, perHour, over, yen) => {
      expect(runbookOverageLine(minutes, count, priced(perHour))).toMatchObject({
        code: "runbook_overage",
        quantity: over,
        unitYen: perHour,
        amountYen: yen,
        taxable: true,
      });
    },
  );
});

describe(claimDateProblem.name, () => {
  it.each([
    ["2026-09-10", "2026-09-10", null],
    ["2026-09-10", "2026-10-10", null],
    [
      "2026-09-10",
      "2026-10-11",
      "claim made 31 days after the damage: Art. 21 (2) accepts claims within 30 days",
    ],
    ["2026-09-10", "2026-09-09", "is before damageDate"],
  ])("damage %s, claim %s", (damage, claim, problem) => {
    expect(claimDateProblem(damage, claim)).toBe(problem);
  });
});

describe(liabilityCreditLines.name, () => {
  const fees: Record<string, number> = { "2026-09": 89_600, "2026-10": 98_000 };
  const feeOf = (month: string) => fees[month] ?? 0;
  const credit = (amountYen: number, damageDate = "2026-09-10") => ({
    damageDate,
    claimDate: "2026-09-25",
    amountYen,
  });

  it("applies a credit two months after the damaged month", () => {
    expect(creditMonth("2026-09-10")).toBe("2026-11");
    expect(creditMonth("2026-12-31")).toBe("2027-02");
    expect(liabilityCreditLines([credit(50_000)], "2026-10", feeOf)).toEqual([]);
    expect(liabilityCreditLines([credit(50_000)], "2026-12", feeOf)).toEqual([]);
    expect(liabilityCreditLines([credit(50_000)], "2026-11", feeOf)).toEqual([
      {
        code: "liability_credit",
        description: "Liability credit for damage on 2026-09-10",
        quantity: 1,
        unitYen: -50_000,
        amountYen: -50_000,
        taxable: true,
      },
    ]);
  });

  it("caps the credits of a damaged month at that month's managed fee", () => {
    const lines = liabilityCreditLines(
      [credit(60_000), credit(60_000, "2026-09-30"), credit(1)],
      "2026-11",
      feeOf,
    );
    expect(lines.map((l) => l.amountYen)).toEqual([-60_000, -29_600]);
    expect(lines[1]?.description).toContain("capped at the 2026-09 managed fee 89,600 yen");
  });
});

describe(lateInterestYen.name, () => {
  const pay = (amountYen: number, dueDate: string, paidDate: string) => ({
    amountYen,
    dueDate,
    paidDate,
  });

  it("reproduces the SPEC example: 98,560 yen, 45 days → 1,761 yen", () => {
    expect(lateInterestDays("2026-12-31", "2027-02-15")).toBe(45);
    expect(lateInterestYen(pay(98_560, "2026-12-31", "2027-02-15"))).toBe(1_761);
  });

  it.each([
    [100_000, "2028-02-15", "2028-03-17", 30, 1_191], // spans 29 Feb, still ÷ 365 (÷ 366 would be 1,188)
    [100_000, "2028-01-01", "2029-01-01", 365, 14_500],
    [100_000, "2026-12-31", "2027-01-01", 0, 0],
    [100_000, "2026-12-31", "2026-12-20", 0, 0],
  ])("%i yen due %s paid %s: %i days → %i yen", (amount, due, paid, days, yen) => {
    expect(lateInterestDays(due, paid)).toBe(days);
    expect(lateInterestYen(pay(amount, due, paid))).toBe(yen);
  });

  it("makes a non-taxable line", () => {
    expect(lateInterestLine(pay(98_560, "2026-12-31", "2027-02-15"))).toMatchObject({
      code: "late_interest",
      quantity: 1,
      unitYen: 1_761,
      amountYen: 1_761,
      taxable: false,
    });
  });
});
