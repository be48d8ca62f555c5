// Maintenance windows (issue 5): while one is active, rules still evaluate but nothing pages
// or e-mails. A recurring window repeats its first occurrence's JST wall-clock span; JST has
// no DST, so a day is always 24 h and daily/weekly steps are plain multiples.
// Reading chosen for monthly (MONTHLY_DAY_POLICY): an occurrence on a day the month lacks
// (the 29th–31st) falls on that month's last day; later months return to the original day.
import { daysInYearMonth, epochDay, formatIsoDate } from "../time/date.js";
import { DAY_MS, jstDateOf, JST_OFFSET_MS } from "../time/jst.js";

export const RECURRENCES = ["none", "daily", "weekly", "monthly"] as const;
export type Recurrence = (typeof RECURRENCES)[number];
export const MONTHLY_DAY_POLICY = "clamp_to_last_day" as const;

export interface MaintenanceWindow {
  id: string;
  contractId: string;
  componentId: string | null;
  startsAtMs: number;
  endsAtMs: number;
  recurrence: Recurrence;
  /** Occurrences starting at or after this instant do not happen; null = no end. */
  untilMs: number | null;
}

export interface Occurrence {
  startMs: number;
  endMs: number;
}

/**
 * The shortest gap between two occurrence starts: a window may not last longer, so its
 * occurrences never overlap (monthly: 28 days, e.g. 31 Jan → 28 Feb when clamped).
 */
export const MIN_PERIOD_MS: Readonly<Record<Exclude<Recurrence, "none">, number>> = {
  daily: DAY_MS,
  weekly: 7 * DAY_MS,
  monthly: 28 * DAY_MS,
};

/** Start of the k-th monthly occurrence: same JST day (clamped) and time of day, k months on. */
function monthlyStartMs(startsAtMs: number, k: number): number {
  const date = jstDateOf(startsAtMs);
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const timeOfDayMs = startsAtMs + JST_OFFSET_MS - epochDay(date) * DAY_MS;
  const index = year * 12 + month - 1 + k;
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1];
  const d = Math.min(day, daysInYearMonth(y, m));
  return (
    epochDay(formatIsoDate({ year: y, month: m, day: d })) * DAY_MS - JST_OFFSET_MS + timeOfDayMs
  );
}

function startOf(w: MaintenanceWindow, k: number): number {
  switch (w.recurrence) {
    case "none":
      return w.startsAtMs;
    case "daily":
      return w.startsAtMs + k * DAY_MS;
    case "weekly":
      return w.startsAtMs + k * 7 * DAY_MS;
    case "monthly":
      return monthlyStartMs(w.startsAtMs, k);
  }
}

/** The index of the last occurrence starting at or before atMs (−1 when none has). */
function latestIndex(w: MaintenanceWindow, atMs: number): number {
  if (atMs < w.startsAtMs) return -1;
  switch (w.recurrence) {
    case "none":
      return 0;
    case "daily":
    case "weekly":
      return Math.floor((atMs - w.startsAtMs) / MIN_PERIOD_MS[w.recurrence]);
    case "monthly": {
      const [y0, m0] = jstDateOf(w.startsAtMs).split("-").map(Number) as [number, number];
      const [y1, m1] = jstDateOf(atMs).split("-").map(Number) as [number, number];
      const k = (y1 - y0) * 12 + (m1 - m0);
      return monthlyStartMs(w.startsAtMs, k) > atMs ? k - 1 : k;
    }
  }
}

/** The occurrence of a window covering atMs, if any (recurring: the same JST wall-clock span every day/week/month from startsAt until `until`). */
export function occurrenceAt(w: MaintenanceWindow, atMs: number): Occurrence | null {
  const durationMs = w.endsAtMs - w.startsAtMs;
  if (durationMs <= 0) return null;
  const latest = latestIndex(w, atMs);
  // The previous occurrence can still be running when a window lasts a whole period.
  for (let k = latest; k >= Math.max(0, latest - 1); k--) {
    const startMs = startOf(w, k);
    if (w.recurrence !== "none" && w.untilMs !== null && startMs >= w.untilMs) continue;
    if (startMs <= atMs && atMs < startMs + durationMs)
      return { startMs, endMs: startMs + durationMs };
  }
  return null;
}

/** The window (of a contract-wide or this component's) active at atMs, or null. */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  componentId: string | null,
  atMs: number,
): ({ window: MaintenanceWindow } & Occurrence) | null {
  let found: ({ window: MaintenanceWindow } & Occurrence) | null = null;
  for (const window of windows) {
    if (window.componentId !== null && window.componentId !== componentId) continue;
    const occurrence = occurrenceAt(window, atMs);
    // The one ending last decides when suppression ends.
    if (occurrence && (!found || occurrence.endMs > found.endMs)) found = { window, ...occurrence };
  }
  return found;
}

/** Why a window's times are unusable, by field; empty when fine. */
export function windowProblems(
  w: Pick<MaintenanceWindow, "startsAtMs" | "endsAtMs" | "recurrence" | "untilMs">,
): { path: string; message: string }[] {
  const problems = [];
  const durationMs = w.endsAtMs - w.startsAtMs;
  if (durationMs <= 0) problems.push({ path: "endsAt", message: "must be after startsAt" });
  else if (w.recurrence !== "none" && durationMs > MIN_PERIOD_MS[w.recurrence]) {
    const days = MIN_PERIOD_MS[w.recurrence] / DAY_MS;
    problems.push({
      path: "endsAt",
      message: `a ${w.recurrence} window may last at most ${days} day(s), so occurrences never overlap`,
    });
  }
  if (w.untilMs !== null) {
    if (w.recurrence === "none")
      problems.push({ path: "until", message: "applies only to recurring windows" });
    else if (w.untilMs <= w.startsAtMs)
      problems.push({ path: "until", message: "must be after startsAt" });
  }
  return problems;
}
