// Absence: a component (or one series) that sent nothing for `absenceMs` is down. The sweep
// asks on the wall clock; an arriving sample clears. Only what was seen once can go silent.
import type { Action } from "./threshold-state.js";

export interface AbsenceState {
  lastSeenMs: number;
  firing: boolean;
  lastFiredMs: number;
}

export const newAbsenceState = (lastSeenMs: number, firing = false): AbsenceState => ({
  lastSeenMs,
  firing,
  lastFiredMs: firing ? lastSeenMs : -Infinity,
});

/** On the sweep: fire once silence reaches `absenceMs`, then repeat at most every `repeatEveryMs`. */
export function sweepAbsence(
  s: AbsenceState,
  absenceMs: number,
  nowMs: number,
  repeatEveryMs: number,
): Action {
  if (!(s.lastSeenMs > -Infinity) || nowMs - s.lastSeenMs < absenceMs) return "none";
  if (!s.firing) {
    s.firing = true;
    s.lastFiredMs = nowMs;
    return "fire";
  }
  if (nowMs - s.lastFiredMs < repeatEveryMs) return "none";
  s.lastFiredMs = nowMs;
  return "repeat";
}

/** A sample arrived: the silence (if any) is over. */
export function seenAbsence(s: AbsenceState, tsMs: number): Action {
  if (tsMs > s.lastSeenMs) s.lastSeenMs = tsMs;
  if (!s.firing) return "none";
  s.firing = false;
  return "clear";
}

/** When the silence began to count as absence: the detection time of the fire. */
export const silentSinceMs = (s: AbsenceState, absenceMs: number): number =>
  s.lastSeenMs + absenceMs;
