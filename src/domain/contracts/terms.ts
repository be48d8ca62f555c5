// Contract term, renewal, cancellation and application deadlines (SPEC §5, Art. 7–11, 28).
// Pure: every "today" or "now" is a parameter. Dates are Asia/Tokyo "YYYY-MM-DD" strings.
import {
  addDays,
  addMonths,
  assertIsoDate,
  jstDateOf,
  previousBusinessDay,
  startOfJstDay,
  type IsoDate,
} from "../calendar/business-days.js";

/** The numbers of SPEC §5 in one named place. */
export const CONTRACT_TERMS_POLICY = {
  /** Art. 11: minimum term of one year from the start date. */
  minimumTermMonths: 12,
  /** Art. 11: after the minimum term the contract renews month by month. */
  renewalTermMonths: 1,
  /** Art. 11: an objection to renewal must come at least this long before expiry. */
  objectionNoticeMonths: 1,
  /** Art. 28: written cancellation notice at least this many days before termination. */
  cancellationNoticeDays: 60,
  /** Art. 10: an application with no decision this many days after receipt is rejected. */
  applicationDecisionDays: 60,
} as const;

export const CONTRACT_STATUSES = ["applied", "active", "terminated", "rejected"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

// applied → active on acceptance, applied → rejected on refusal or after the decision
// deadline; active → terminated. Terminated and rejected are final (data is deleted, Art. 30).
const ALLOWED_TRANSITIONS: Record<ContractStatus, readonly ContractStatus[]> = {
  applied: ["active", "rejected"],
  active: ["terminated"],
  terminated: [],
  rejected: [],
};

export function isContractStatus(value: unknown): value is ContractStatus {
  return typeof value === "string" && (CONTRACT_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: ContractStatus, to: ContractStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/**
 * Last day of a period of `months` starting on `start` (start day included), per Civil Code
 * Art. 143(2): the day before the corresponding day; if that month has no corresponding day
 * (a 29–31 start), the last day of that month — so a period is never shorter than its months.
 */
function periodEnd(start: IsoDate, months: number): IsoDate {
  const corresponding = addMonths(start, months);
  const clamped = corresponding.slice(8) !== start.slice(8);
  return clamped ? corresponding : addDays(corresponding, -1);
}

/**
 * Last day of the minimum term: start + 1 year − 1 day (2026-04-15 → 2027-04-14).
 * A 29 Feb start ends on 28 Feb of the next year (the Civil Code rule above), not 27 Feb:
 * the customer is never bound for less than a full year.
 */
export function minimumTermEnd(startDate: IsoDate): IsoDate {
  assertIsoDate(startDate, "startDate");
  return periodEnd(startDate, CONTRACT_TERMS_POLICY.minimumTermMonths);
}

export const TERM_PHASES = ["minimum_term", "monthly_renewal"] as const;
export type TermPhase = (typeof TERM_PHASES)[number];

export interface RenewalState {
  phase: TermPhase;
  /** 0 during the minimum term, k during the k-th monthly renewal. */
  renewals: number;
  termStart: IsoDate;
  termEnd: IsoDate;
}

/**
 * The term that contains `onDate`, assuming nobody has objected to renewal. Monthly renewals
 * stay anchored to the start date's day of month (start 2026-04-15: terms end on the 14th), so
 * a short February does not shift every later expiry. Before the start date the upcoming
 * minimum term is returned.
 */
export function renewalState(startDate: IsoDate, onDate: IsoDate): RenewalState {
  assertIsoDate(onDate, "onDate");
  const minimumEnd = minimumTermEnd(startDate);
  if (onDate <= minimumEnd) {
    return { phase: "minimum_term", renewals: 0, termStart: startDate, termEnd: minimumEnd };
  }
  const { minimumTermMonths: min, renewalTermMonths: step } = CONTRACT_TERMS_POLICY;
  const monthsApart =
    (Number(onDate.slice(0, 4)) - Number(startDate.slice(0, 4))) * 12 +
    (Number(onDate.slice(5, 7)) - Number(startDate.slice(5, 7)));
  // periodEnd(start, n) falls in month start+n or the one before, so from this estimate
  // (all earlier ends are before onDate) at most two steps forward reach the covering term.
  let renewals = Math.max(1, Math.floor((monthsApart - min) / step));
  while (periodEnd(startDate, min + renewals * step) < onDate) renewals += 1;
  return {
    phase: "monthly_renewal",
    renewals,
    termStart: addDays(periodEnd(startDate, min + (renewals - 1) * step), 1),
    termEnd: periodEnd(startDate, min + renewals * step),
  };
}

/** Last day of the term containing `onDate`: the next expiry if nobody objects. */
export function currentTermEnd(startDate: IsoDate, onDate: IsoDate): IsoDate {
  return renewalState(startDate, onDate).termEnd;
}

/**
 * Last day an objection to renewal is in time (Art. 11: at least one month before expiry):
 * the same day of month one month before `termEnd`, clamped to the month's end
 * (2027-03-31 → 2027-02-28). Not moved to a business day: the SPEC asks that only for
 * cancellation notices.
 */
export function objectionDeadline(termEnd: IsoDate): IsoDate {
  assertIsoDate(termEnd, "termEnd");
  return addMonths(termEnd, -CONTRACT_TERMS_POLICY.objectionNoticeMonths);
}

/**
 * Last day a cancellation notice is in time (Art. 28): desired date − 60 days, moved back to
 * the previous business day when that day is not one (2027-03-31 → Sat 2027-01-30 → 2027-01-29).
 */
export function cancellationNoticeDeadline(desiredTerminationDate: IsoDate): IsoDate {
  assertIsoDate(desiredTerminationDate, "desiredTerminationDate");
  const raw = addDays(desiredTerminationDate, -CONTRACT_TERMS_POLICY.cancellationNoticeDays);
  return previousBusinessDay(raw);
}

/** A notice received on or before the deadline (any day, business or not) is in time. */
export function isNoticeInTime(noticeDate: IsoDate, desiredTerminationDate: IsoDate): boolean {
  assertIsoDate(noticeDate, "noticeDate");
  return noticeDate <= cancellationNoticeDeadline(desiredTerminationDate);
}

/**
 * When an undecided application becomes deemed rejected (Art. 10). Reading chosen: the 60 days
 * are whole JST calendar days counted from the day after receipt (Civil Code Art. 140), so an
 * application received on 2026-04-10 at any hour has until the end of 2026-06-09 JST and is
 * rejected at 2026-06-10 00:00 JST. This is always at least 60 × 24 h after receipt.
 */
export function applicationDeemedRejectedAt(receivedAt: Date): Date {
  const receivedOn = jstDateOf(receivedAt);
  return startOfJstDay(addDays(receivedOn, CONTRACT_TERMS_POLICY.applicationDecisionDays + 1));
}

/** True once an application received at `receivedAt` is deemed rejected at `now`. */
export function isApplicationExpired(receivedAt: Date, now: Date): boolean {
  if (Number.isNaN(now.getTime())) throw new RangeError("now must be a valid Date");
  return now.getTime() >= applicationDeemedRejectedAt(receivedAt).getTime();
}
