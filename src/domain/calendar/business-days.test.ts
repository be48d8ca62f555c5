import holidayJp from "@holiday-jp/holiday_jp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  addYears,
  daysBetween,
  dayOfWeek,
  isBusinessDay,
  isIsoDate,
  isJapanesePublicHoliday,
  jstDateOf,
  nextBusinessDay,
  previousBusinessDay,
  startOfJstDay,
} from "./business-days.js";

// Dates the holiday data covers, generated from a day offset so every case is a real date.
const isoDateBetween = (from: string, to: string) =>
  fc.integer({ min: 0, max: daysBetween(from, to) }).map((n) => addDays(from, n));
const coveredDate = isoDateBetween("1970-01-15", "2050-12-20");

describe(isBusinessDay.name, () => {
  it.each([
    ["2026-11-24", true, "an ordinary Tuesday"],
    ["2027-01-30", false, "a Saturday"],
    ["2027-01-31", false, "a Sunday"],
    ["2026-11-03", false, "a national holiday on a weekday (Culture Day)"],
    ["2026-05-06", false, "a substitute holiday (振替休日)"],
    ["2024-02-12", false, "a substitute holiday on a Monday"],
    ["2026-09-22", false, "a citizen's holiday between two holidays"],
    ["2026-05-01", false, "1 May on a Friday"],
    ["2031-05-01", false, "1 May on a Thursday"],
    ["2026-04-30", true, "the weekday between Showa Day and 1 May"],
    ["2026-05-07", true, "the first weekday after Golden Week"],
    ["2026-12-28", true, "28 Dec, the last day before the New Year break"],
    ["2026-12-29", false, "29 Dec on a Tuesday"],
    ["2026-12-30", false, "30 Dec on a Wednesday"],
    ["2026-12-31", false, "31 Dec on a Thursday"],
    ["2027-01-01", false, "New Year's Day"],
    ["2026-01-02", false, "2 Jan on a Friday"],
    ["2025-01-03", false, "3 Jan on a Friday"],
    ["2027-01-04", true, "4 Jan on a Monday"],
    ["2024-02-29", true, "a leap day on a Thursday"],
  ])("%s is %s (%s)", (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it("refuses years the holiday data does not cover instead of guessing", () => {
    expect(() => isBusinessDay("1969-12-01")).toThrow(RangeError);
    expect(() => isBusinessDay("2051-03-01")).toThrow(RangeError);
  });

  it("refuses malformed dates", () => {
    expect(() => isBusinessDay("2026-02-30")).toThrow(RangeError);
    expect(() => isBusinessDay("2026/01/05")).toThrow(RangeError);
  });

  it("agrees with the holiday library's own string lookup", () => {
    fc.assert(
      fc.property(coveredDate, (date) => {
        expect(isJapanesePublicHoliday(date)).toBe(holidayJp.isHoliday(date));
      }),
    );
  });
});

describe(previousBusinessDay.name, () => {
  it.each([
    ["2026-11-24", "2026-11-24", "a business day is its own answer"],
    ["2027-01-30", "2027-01-29", "Saturday → Friday"],
    ["2027-01-31", "2027-01-29", "Sunday → Friday"],
    ["2024-02-12", "2024-02-09", "substitute Monday → Friday"],
    ["2026-05-06", "2026-04-30", "end of Golden Week → before 1 May"],
    ["2027-01-03", "2026-12-28", "New Year break → 28 Dec"],
    ["2026-01-04", "2025-12-26", "New Year break with 28 Dec a Sunday → 26 Dec"],
  ])("%s → %s (%s)", (date, expected) => {
    expect(previousBusinessDay(date)).toBe(expected);
  });

  it("returns the latest business day on or before the date", () => {
    fc.assert(
      fc.property(coveredDate, (date) => {
        const result = previousBusinessDay(date);
        expect(isBusinessDay(result)).toBe(true);
        expect(result <= date).toBe(true);
        for (let d = addDays(result, 1); d <= date; d = addDays(d, 1)) {
          expect(isBusinessDay(d)).toBe(false);
        }
      }),
    );
  });
});

describe(nextBusinessDay.name, () => {
  it.each([
    ["2026-12-29", "2027-01-04"],
    ["2026-05-01", "2026-05-07"],
    ["2026-11-24", "2026-11-24"],
  ])("%s → %s", (date, expected) => {
    expect(nextBusinessDay(date)).toBe(expected);
  });
});

describe(addDays.name, () => {
  it.each([
    ["2026-01-31", 1, "2026-02-01"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2027-02-28", 1, "2027-03-01"],
    ["2027-03-31", -60, "2027-01-30"],
    ["2028-03-01", -60, "2028-01-01"],
    ["2026-05-05", 0, "2026-05-05"],
    ["0001-01-01", 365, "0002-01-01"],
  ])("%s + %i days = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it("rejects a non-integer day count", () => {
    expect(() => addDays("2026-01-01", 1.5)).toThrow(RangeError);
  });

  it("is inverted by daysBetween", () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: -5000, max: 5000 }), (date, n) => {
        const moved = addDays(date, n);
        expect(isIsoDate(moved)).toBe(true);
        expect(daysBetween(date, moved)).toBe(n);
        expect(addDays(moved, -n)).toBe(date);
      }),
    );
  });
});

describe(addMonths.name, () => {
  it.each([
    ["2026-01-31", 1, "2026-02-28"],
    ["2028-01-31", 1, "2028-02-29"],
    ["2027-03-31", -1, "2027-02-28"],
    ["2026-12-15", 1, "2027-01-15"],
    ["2027-01-15", -13, "2025-12-15"],
  ])("%s + %i months = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe(addYears.name, () => {
  it.each([
    ["2026-04-15", 1, "2027-04-15"],
    ["2024-02-29", 1, "2025-02-28"],
    ["2024-02-29", 4, "2028-02-29"],
    ["2028-02-29", -1, "2027-02-28"],
  ])("%s + %i years = %s", (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });
});

describe(isIsoDate.name, () => {
  it.each([
    ["2026-04-15", true],
    ["2028-02-29", true],
    ["2000-02-29", true],
    ["2026-02-29", false],
    ["1900-02-29", false],
    ["2026-13-01", false],
    ["2026-04-31", false],
    ["2026-4-15", false],
    ["2026-04-15T00:00:00Z", false],
    ["", false],
    [20260415, false],
    [null, false],
  ])("%s → %s", (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });
});

describe(dayOfWeek.name, () => {
  it.each([
    ["1970-01-01", 4],
    ["2027-01-30", 6],
    ["2027-01-31", 0],
    ["2026-11-23", 1],
  ])("%s is weekday %i", (date, expected) => {
    expect(dayOfWeek(date)).toBe(expected);
  });
});

describe(jstDateOf.name, () => {
  it.each([
    ["2026-12-31T14:59:59.999Z", "2026-12-31"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01"],
    ["2028-02-28T15:00:00+00:00", "2028-02-29"],
    ["2026-04-10T00:00:00+09:00", "2026-04-10"],
  ])("%s is %s in Tokyo", (instant, expected) => {
    expect(jstDateOf(new Date(instant))).toBe(expected);
  });

  it("rejects an invalid Date", () => {
    expect(() => jstDateOf(new Date("nope"))).toThrow(RangeError);
  });

  it("round-trips with startOfJstDay", () => {
    fc.assert(
      fc.property(coveredDate, (date) => {
        const start = startOfJstDay(date);
        expect(start.toISOString()).toBe(`${addDays(date, -1)}T15:00:00.000Z`);
        expect(jstDateOf(start)).toBe(date);
        expect(jstDateOf(new Date(start.getTime() - 1))).toBe(addDays(date, -1));
      }),
    );
  });
});
