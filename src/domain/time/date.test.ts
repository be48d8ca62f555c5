import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  dateOfEpochDay,
  daysBetween,
  daysInYearMonth,
  epochDay,
  isIsoDate,
  isLeapYear,
  parseIsoDate,
} from "./date.js";

describe(parseIsoDate.name, () => {
  it.each([
    "2026-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "2026-4-01",
    "26-04-01",
    "2026-04-01T00:00",
    "",
  ])("rejects %j", (value) => {
    expect(parseIsoDate(value)).toBeNull();
    expect(isIsoDate(value)).toBe(false);
  });

  it.each([
    ["2028-02-29", { year: 2028, month: 2, day: 29 }],
    ["2000-02-29", { year: 2000, month: 2, day: 29 }],
    ["2026-12-31", { year: 2026, month: 12, day: 31 }],
  ])("accepts %s", (value, parts) => {
    expect(parseIsoDate(value)).toEqual(parts);
  });

  it("rejects non-strings", () => {
    expect(isIsoDate(20260401)).toBe(false);
  });
});

describe(isLeapYear.name, () => {
  it.each([
    [2024, true],
    [2026, false],
    [2100, false],
    [2000, true],
  ])("%i → %s", (year, leap) => expect(isLeapYear(year)).toBe(leap));
});

describe(daysInYearMonth.name, () => {
  it.each([
    [2026, 2, 28],
    [2028, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])("%i-%i has %i days", (year, month, days) => expect(daysInYearMonth(year, month)).toBe(days));
});

describe(epochDay.name, () => {
  it("counts from 1970-01-01", () => {
    expect(epochDay("1970-01-01")).toBe(0);
    expect(epochDay("2026-11-10")).toBe(Date.UTC(2026, 10, 10) / 86_400_000);
    expect(epochDay("0001-01-01")).toBe(-719_162);
  });

  it("round-trips through dateOfEpochDay and agrees with Date.UTC", () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 2_900_000 }), (day) => {
        const date = dateOfEpochDay(day);
        expect(epochDay(date)).toBe(day);
        expect(date).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
      }),
    );
  });
});

describe(addDays.name, () => {
  it.each([
    ["2026-02-28", 1, "2026-03-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2027-01-01", -1, "2026-12-31"],
  ])("%s + %i = %s", (date, days, expected) => expect(addDays(date, days)).toBe(expected));

  it("throws on a malformed date", () => {
    expect(() => addDays("2026-02-30", 1)).toThrow(RangeError);
  });
});

describe(daysBetween.name, () => {
  it("counts whole days, negative backwards", () => {
    expect(daysBetween("2026-12-31", "2027-02-15")).toBe(46);
    expect(daysBetween("2027-02-15", "2026-12-31")).toBe(-46);
    expect(daysBetween("2028-02-01", "2028-03-01")).toBe(29);
  });
});
