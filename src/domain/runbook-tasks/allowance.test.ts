import { describe, expect, it } from "vitest";
import { runbookAllowance, taskMinutes, type AllowanceInput } from "./allowance.js";

const vm = (id: string, activeFrom = "2026-04-01", activeUntil: string | null = null) => ({
  id,
  os: "linux" as const,
  activeFrom,
  activeUntil,
});
const input = (over: Partial<AllowanceInput> = {}): AllowanceInput => ({
  month: "2026-11",
  plan: "premium",
  startDate: "2026-04-01",
  endDate: null,
  components: [vm("a"), vm("b"), vm("c")],
  usedMinutes: 0,
  ...over,
});

describe(taskMinutes.name, () => {
  it.each([
    [0, 1],
    [1, 1],
    [60_000, 1],
    [60_001, 2],
    [90 * 60_000, 90],
  ])("%i ms → %i min", (elapsed, minutes) => expect(taskMinutes(0, elapsed)).toBe(minutes));
});

describe(runbookAllowance.name, () => {
  it("pools 60 minutes per component: 3 components = 180 min", () => {
    expect(runbookAllowance(input({ usedMinutes: 150 }))).toEqual({
      month: "2026-11",
      components: 3,
      allowanceMinutes: 180,
      usedMinutes: 150,
      remainingMinutes: 30,
      overageMinutes: 0,
    });
  });

  it("reports minutes beyond the allowance as overage and none remaining", () => {
    expect(runbookAllowance(input({ usedMinutes: 210 }))).toMatchObject({
      remainingMinutes: 0,
      overageMinutes: 30,
    });
  });

  it("counts a component active on any day of the month, as billing does", () => {
    const components = [
      vm("a"),
      vm("removed-on-the-1st", "2026-04-01", "2026-11-01"),
      vm("added-on-the-30th", "2026-11-30"),
      vm("gone-before", "2026-04-01", "2026-10-31"),
      vm("added-later", "2026-12-01"),
    ];
    expect(runbookAllowance(input({ components })).components).toBe(3);
  });

  it("gives other plans no allowance", () => {
    expect(runbookAllowance(input({ plan: "advanced" }))).toMatchObject({
      components: 3,
      allowanceMinutes: 0,
    });
  });

  it("counts nothing after the contract ended", () => {
    expect(runbookAllowance(input({ endDate: "2026-10-31" })).allowanceMinutes).toBe(0);
  });
});
