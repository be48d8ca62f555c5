import { describe, expect, it } from "vitest";
import {
  addMonths,
  daysInMonth,
  firstDayOfMonth,
  isYearMonth,
  lastDayOfMonth,
  monthIndex,
  monthOfDate,
  monthOfIndex,
  monthsBetween,
  parseYearMonth,
} from "./month.js";

describe(parseYearMonth.name, () => {
  it.each(["2026-13", "2026-00", "2026-1", "2026-11-01", "202611", ""])("rejects %j", (value) => {
    expect(parseYearMonth(value)).toBeNull();
    expect(isYearMonth(value)).toBe(false);
  });

  it("accepts a real month", () => {
    expect(parseYearMonth("2026-11")).toEqual({ year: 2026, month: 11 });
  });
});

describe(addMonths.name, () => {
  it.each([
    ["2026-11", 2, "2027-01"],
    ["2026-01", -1, "2025-12"],
    ["2026-09", 0, "2026-09"],
    ["2026-12", 12, "2027-12"],
  ])("%s + %i = %s", (month, n, expected) => expect(addMonths(month, n)).toBe(expected));

  it("agrees with the month index", () => {
    expect(monthOfIndex(monthIndex("2026-11") + 1)).toBe("2026-12");
  });
});

describe(monthsBetween.name, () => {
  it("counts calendar months", () => {
    expect(monthsBetween("2026-11", "2027-04")).toBe(5);
    expect(monthsBetween("2027-04", "2026-11")).toBe(-5);
  });
});

describe(daysInMonth.name, () => {
  it.each([
    ["2026-02", 28],
    ["2028-02", 29],
    ["2100-02", 28],
    ["2026-11", 30],
    ["2026-12", 31],
  ])("%s has %i days", (month, days) => expect(daysInMonth(month)).toBe(days));
});

describe(lastDayOfMonth.name, () => {
  it("gives the first and last day", () => {
    expect(firstDayOfMonth("2028-02")).toBe("2028-02-01");
    expect(lastDayOfMonth("2028-02")).toBe("2028-02-29");
    expect(lastDayOfMonth("2026-12")).toBe("2026-12-31");
  });
});

describe(monthOfDate.name, () => {
  it("takes the month of a date and rejects junk", () => {
    expect(monthOfDate("2026-11-30")).toBe("2026-11");
    expect(() => monthOfDate("2026-13-01")).toThrow(RangeError);
  });
});
