// Instants (UTC epoch milliseconds) against the Asia/Tokyo calendar. JST is UTC+9 all
// year (no DST), so a fixed offset is exact and no Intl/time-zone database is needed.
import { dateOfEpochDay, epochDay, parseIsoDate, type IsoDate } from "./date.js";
import { addMonths, firstDayOfMonth, monthOfDate, type YearMonth } from "./month.js";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const JST_OFFSET_MS = 9 * HOUR_MS;

/** The instant 00:00 JST begins on `date`. */
export function jstDayStartMs(date: IsoDate): number {
  return epochDay(date) * DAY_MS - JST_OFFSET_MS;
}

/** The instant 00:00 JST on the 1st of `month` begins. */
export function jstMonthStartMs(month: YearMonth): number {
  return jstDayStartMs(firstDayOfMonth(month));
}

/** The instant `month` ends (exclusive): 00:00 JST on the 1st of the next month. */
export function jstMonthEndMs(month: YearMonth): number {
  return jstMonthStartMs(addMonths(month, 1));
}

/** The JST calendar date of an instant. */
export function jstDateOf(instantMs: number): IsoDate {
  return dateOfEpochDay(Math.floor((instantMs + JST_OFFSET_MS) / DAY_MS));
}

/** The JST calendar month of an instant. */
export function jstMonthOf(instantMs: number): YearMonth {
  return monthOfDate(jstDateOf(instantMs));
}

// Date and time with an explicit offset: a timestamp without one is ambiguous.
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO 8601 timestamp with an offset ("2026-11-10T09:00:00+09:00",
 * "…Z"), or null when malformed or not a real date/time. Sub-millisecond digits are dropped.
 */
export function parseIsoInstant(value: string): number | null {
  const m = ISO_INSTANT.exec(value);
  if (!m || !parseIsoDate(m[1] ?? "")) return null;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[5] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMs = 0;
  if (!m[6]) {
    const [offHour, offMinute] = [Number(m[8]), Number(m[9])];
    if (offHour > 23 || offMinute > 59) return null;
    offsetMs = (m[7] === "-" ? -1 : 1) * (offHour * HOUR_MS + offMinute * MINUTE_MS);
  }
  const local = epochDay(m[1] ?? "") * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
  return local + second * 1000 + millis - offsetMs;
}
