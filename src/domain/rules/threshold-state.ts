// The state machine of one threshold rule on one label set:
// inactive → pending (breaching, waiting out `for`) → firing → recovering (past the
// recovery threshold, waiting out `recoveryFor`) → inactive. Durations are measured on
// sample timestamps. The state object is mutated in place: it sits on the ingest hot path.
import { breaches, recovers, type RuleOp } from "./rule.js";

export type Phase = "inactive" | "pending" | "firing" | "recovering";
export type Action = "none" | "fire" | "repeat" | "clear";

export interface ThresholdState {
  phase: Phase;
  /** When the current pending or recovering stretch began. */
  sinceMs: number;
  /** Last fire or repeat sent, for rate-limiting repeats. */
  lastFiredMs: number;
}

export interface ThresholdParams {
  op: RuleOp;
  threshold: number;
  /** Defaults to the threshold. */
  recoveryThreshold: number;
  forMs: number;
  recoveryForMs: number;
  /** A repeat is sent at most this often while the condition holds. */
  repeatEveryMs: number;
}

export const newThresholdState = (): ThresholdState => ({
  phase: "inactive",
  sinceMs: 0,
  lastFiredMs: -Infinity,
});

/** A key that was firing before a restart (an unresolved incident). */
export const firingState = (lastFiredMs: number): ThresholdState => ({
  phase: "firing",
  sinceMs: lastFiredMs,
  lastFiredMs,
});

export function stepThreshold(
  p: ThresholdParams,
  s: ThresholdState,
  tsMs: number,
  value: number,
): Action {
  switch (s.phase) {
    case "inactive":
      if (!breaches(p.op, value, p.threshold)) return "none";
      s.sinceMs = tsMs;
      s.phase = "pending";
      return p.forMs <= 0 ? fire(s, tsMs) : "none";
    case "pending":
      if (!breaches(p.op, value, p.threshold)) {
        s.phase = "inactive"; // `for` needs the condition to hold without a break
        return "none";
      }
      return tsMs - s.sinceMs >= p.forMs ? fire(s, tsMs) : "none";
    case "firing":
      if (recovers(p.op, value, p.recoveryThreshold)) {
        s.phase = "recovering";
        s.sinceMs = tsMs;
        return p.recoveryForMs <= 0 ? clear(s) : "none";
      }
      return repeatIfDue(p, s, tsMs, value);
    case "recovering":
      if (!recovers(p.op, value, p.recoveryThreshold)) {
        s.phase = "firing"; // back inside the band or breaching again: the same excursion
        return repeatIfDue(p, s, tsMs, value);
      }
      return tsMs - s.sinceMs >= p.recoveryForMs ? clear(s) : "none";
  }
}

function fire(s: ThresholdState, tsMs: number): Action {
  s.phase = "firing";
  s.lastFiredMs = tsMs;
  return "fire";
}

function clear(s: ThresholdState): Action {
  s.phase = "inactive";
  return "clear";
}

function repeatIfDue(p: ThresholdParams, s: ThresholdState, tsMs: number, value: number): Action {
  if (!breaches(p.op, value, p.threshold) || tsMs - s.lastFiredMs < p.repeatEveryMs) return "none";
  s.lastFiredMs = tsMs;
  return "repeat";
}
