// Calendar months "YYYY-MM" (Asia/Tokyo), the unit of billing. Arithmetic goes through a
// month index (year × 12 + month − 1), so adding months never touches a Date.
import { daysInYearMonth, formatIsoDate, parseIsoDate, type IsoDate } from "./date.js";

/** A calendar month "YYYY-MM". */
export type YearMonth = string;

const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

/** The parts of a real month, or null ("2026-13" and "2026-1" are not months). */
export function parseYearMonth(value: string): { year: number; month: number } | null {
  const m = YEAR_MONTH.exec(value);
  if (!m) return null;
  const [year, month] = [Number(m[1]), Number(m[2])];
  return month >= 1 && month <= 12 ? { year, month } : null;
}

export function isYearMonth(value: unknown): value is YearMonth {
  return typeof value === "string" && parseYearMonth(value) !== null;
}

/** year × 12 + (month − 1): consecutive months are consecutive integers. */
export function monthIndex(month: YearMonth): number {
  const parts = parseYearMonth(month);
  if (!parts) throw new RangeError(`not a YYYY-MM month: ${month}`);
  return parts.year * 12 + parts.month - 1;
}

export function monthOfIndex(index: number): YearMonth {
  if (!Number.isSafeInteger(index))
    throw new RangeError(`month index must be an integer: ${index}`);
  const year = Math.floor(index / 12);
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside 0000–9999`);
  return `${String(year).padStart(4, "0")}-${String(index - year * 12 + 1).padStart(2, "0")}`;
}

export function addMonths(month: YearMonth, months: number): YearMonth {
  return monthOfIndex(monthIndex(month) + months);
}

/** Whole months from `from` to `to` ("2026-11" → "2027-04" is 5), negative when earlier. */
export function monthsBetween(from: YearMonth, to: YearMonth): number {
  return monthIndex(to) - monthIndex(from);
}

export function daysInMonth(month: YearMonth): number {
  const index = monthIndex(month);
  return daysInYearMonth(Math.floor(index / 12), (index % 12) + 1);
}

export function firstDayOfMonth(month: YearMonth): IsoDate {
  monthIndex(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: YearMonth): IsoDate {
  const index = monthIndex(month);
  const [year, m] = [Math.floor(index / 12), (index % 12) + 1];
  return formatIsoDate({ year, month: m, day: daysInYearMonth(year, m) });
}

/** The month a "YYYY-MM-DD" date falls in. */
export function monthOfDate(date: IsoDate): YearMonth {
  if (!parseIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return date.slice(0, 7);
}
