// Calendar dates in Asia/Tokyo as "YYYY-MM-DD" strings, and the business-day rule of SPEC §2.
// All arithmetic goes through UTC epoch days, never local-time Date methods, so results do
// not depend on the process TZ. ISO date strings compare correctly with < and >.
import holidayJp from "@holiday-jp/holiday_jp";
import {
  dateOfEpochDay,
  daysInYearMonth,
  epochDay,
  formatIsoDate,
  isIsoDate,
  type IsoDate,
} from "../time/date.js";
import { DAY_MS, jstDateOf as jstDateOfMs, jstDayStartMs } from "../time/jst.js";

// The date primitives live in src/domain/time; this module adds the business calendar.
export { daysBetween, isIsoDate, type IsoDate } from "../time/date.js";
export const daysInMonth = daysInYearMonth;

/** Day of week as in Date#getUTCDay: 0 = Sunday … 6 = Saturday. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * Days the service does not work besides weekends and public holidays (SPEC §2, Appx 1 1.3):
 * the New Year break 29 Dec–3 Jan and 1 May. Month-day keys, "MM-DD".
 */
export const COMPANY_CLOSED_DAYS: readonly string[] = [
  "12-29",
  "12-30",
  "12-31",
  "01-01",
  "01-02",
  "01-03",
  "05-01",
];

// The library's own isHoliday() scans every key and formats Date inputs in local time;
// a Set of its date strings is both TZ-proof and O(1).
const PUBLIC_HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(holidayJp.holidays));
const holidayYears = [...PUBLIC_HOLIDAYS].map((d) => Number(d.slice(0, 4)));

/** Years for which the holiday library has data; outside them a business day is unknowable. */
export const HOLIDAY_DATA_YEARS = {
  first: Math.min(...holidayYears),
  last: Math.max(...holidayYears),
} as const;

/** Throws a RangeError for anything that is not a real "YYYY-MM-DD" date (a programming error). */
export function assertIsoDate(value: unknown, name = "date"): asserts value is IsoDate {
  if (!isIsoDate(value))
    throw new RangeError(`${name} must be a YYYY-MM-DD date, got ${String(value)}`);
}

function parts(date: IsoDate): { year: number; month: number; day: number } {
  assertIsoDate(date);
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

const format = (year: number, month: number, day: number): IsoDate =>
  formatIsoDate({ year, month, day });

function toEpochDay(date: IsoDate): number {
  assertIsoDate(date);
  return epochDay(date);
}

const fromEpochDay = dateOfEpochDay;

function assertInteger(n: number, name: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  assertInteger(days, "days");
  return fromEpochDay(toEpochDay(date) + days);
}

/**
 * Same day of month `months` later (or earlier); when the target month is shorter the result
 * is clamped to its last day (31 Jan + 1 month = 28/29 Feb), as date libraries conventionally do.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  assertInteger(months, "months");
  const { year, month, day } = parts(date);
  const index = year * 12 + (month - 1) + months;
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1];
  return format(y, m, Math.min(day, daysInMonth(y, m)));
}

/** addMonths by whole years: 29 Feb + 1 year = 28 Feb. */
export function addYears(date: IsoDate, years: number): IsoDate {
  assertInteger(years, "years");
  return addMonths(date, years * 12);
}

export function dayOfWeek(date: IsoDate): DayOfWeek {
  return new Date(toEpochDay(date) * DAY_MS).getUTCDay() as DayOfWeek;
}

/** Japanese public holiday (including substitute and citizen's holidays), per @holiday-jp. */
export function isJapanesePublicHoliday(date: IsoDate): boolean {
  const { year } = parts(date);
  // Failing loudly beats silently calling an unknown year's holidays business days.
  if (year < HOLIDAY_DATA_YEARS.first || year > HOLIDAY_DATA_YEARS.last) {
    throw new RangeError(
      `no Japanese holiday data for ${year} (covered: ${HOLIDAY_DATA_YEARS.first}–${HOLIDAY_DATA_YEARS.last})`,
    );
  }
  return PUBLIC_HOLIDAYS.has(date);
}

/** Mon–Fri, not a public holiday, not 29 Dec–3 Jan, not 1 May (SPEC §2). */
export function isBusinessDay(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  if (weekday === 0 || weekday === 6) return false;
  if (COMPANY_CLOSED_DAYS.includes(date.slice(5))) return false;
  return !isJapanesePublicHoliday(date);
}

/** The latest business day on or before `date`. */
export function previousBusinessDay(date: IsoDate): IsoDate {
  let candidate = date;
  // Terminates quickly: the longest closed run (New Year + weekend + holidays) is ~10 days.
  while (!isBusinessDay(candidate)) candidate = addDays(candidate, -1);
  return candidate;
}

/** The earliest business day on or after `date`. */
export function nextBusinessDay(date: IsoDate): IsoDate {
  let candidate = date;
  while (!isBusinessDay(candidate)) candidate = addDays(candidate, 1);
  return candidate;
}

function assertValidInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError("instant must be a valid Date");
  }
}

/** The Asia/Tokyo calendar date of an instant. */
export function jstDateOf(instant: Date): IsoDate {
  assertValidInstant(instant);
  return jstDateOfMs(instant.getTime());
}

/** The instant 00:00 JST begins on `date`. */
export function startOfJstDay(date: IsoDate): Date {
  assertIsoDate(date);
  return new Date(jstDayStartMs(date));
}
