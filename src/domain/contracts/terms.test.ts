import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isBusinessDay } from "../calendar/business-days.js";
import {
  CONTRACT_STATUSES,
  applicationDeemedRejectedAt,
  canTransition,
  cancellationNoticeDeadline,
  currentTermEnd,
  isApplicationExpired,
  isContractStatus,
  isNoticeInTime,
  minimumTermEnd,
  objectionDeadline,
  renewalState,
} from "./terms.js";

const isoDateBetween = (from: string, to: string) =>
  fc.integer({ min: 0, max: daysBetween(from, to) }).map((n) => addDays(from, n));
const DAY_MS = 86_400_000;

describe(cancellationNoticeDeadline.name, () => {
  it.each([
    ["2027-03-31", "2027-01-29", "SPEC example: −60 days is Saturday 2027-01-30"],
    ["2026-08-06", "2026-06-05", "−60 days is a Sunday"],
    ["2027-01-22", "2026-11-20", "−60 days is a Monday national holiday"],
    ["2024-04-12", "2024-02-09", "−60 days is a substitute holiday after a Sunday holiday"],
    ["2025-07-05", "2025-05-02", "−60 days is a Golden Week substitute holiday"],
    ["2026-07-05", "2026-04-30", "Golden Week 2026: back over the holidays, the weekend and 1 May"],
    ["2026-06-30", "2026-04-30", "−60 days is 1 May on a Friday"],
    ["2031-06-30", "2031-04-30", "−60 days is 1 May on a Thursday"],
    ["2026-11-22", "2026-09-18", "−60 days ends a holiday run with a citizen's holiday"],
    ["2027-03-03", "2026-12-28", "−60 days is 2 Jan → 28 Dec, a Monday"],
    ["2026-03-04", "2025-12-26", "−60 days is 3 Jan and 28 Dec is a Sunday → 26 Dec"],
    ["2027-03-01", "2026-12-28", "−60 days is 31 Dec"],
    ["2028-03-01", "2027-12-28", "leap year: 60 days before 1 Mar 2028 is 1 Jan"],
    ["2024-04-29", "2024-02-29", "leap day that is a business day stays"],
    ["2026-12-01", "2026-10-02", "−60 days is already a business day"],
  ])("desired %s → deadline %s (%s)", (desired, expected) => {
    expect(cancellationNoticeDeadline(desired)).toBe(expected);
  });

  it("is a business day, at most desired − 60, with no business day skipped", () => {
    fc.assert(
      fc.property(isoDateBetween("1970-04-01", "2050-12-31"), (desired) => {
        const raw = addDays(desired, -60);
        const deadline = cancellationNoticeDeadline(desired);
        expect(isBusinessDay(deadline)).toBe(true);
        expect(deadline <= raw).toBe(true);
        for (let d = addDays(deadline, 1); d <= raw; d = addDays(d, 1)) {
          expect(isBusinessDay(d)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("rejects a malformed date", () => {
    expect(() => cancellationNoticeDeadline("2027-02-30")).toThrow(RangeError);
  });
});

describe(isNoticeInTime.name, () => {
  it.each([
    ["2027-01-29", "2027-03-31", true, "on the deadline"],
    ["2027-01-10", "2027-03-31", true, "before the deadline, on a Sunday"],
    ["2027-01-30", "2027-03-31", false, "the Saturday after the deadline"],
    ["2027-01-31", "2027-03-31", false, "exactly 59 days before"],
  ])("notice %s for %s → %s (%s)", (notice, desired, expected) => {
    expect(isNoticeInTime(notice, desired)).toBe(expected);
  });
});

describe(minimumTermEnd.name, () => {
  it.each([
    ["2026-04-15", "2027-04-14", "start + 1 year − 1 day"],
    ["2026-04-01", "2027-03-31", "first of month ends on the previous month's last day"],
    ["2026-01-01", "2026-12-31", "calendar year"],
    ["2026-12-31", "2027-12-30", "year-end start"],
    ["2027-03-01", "2028-02-29", "ends on a leap day"],
    ["2027-02-28", "2028-02-27", "28 Feb start in the year before a leap year"],
    [
      "2028-02-29",
      "2029-02-28",
      "29 Feb start ends on the last day of February (Civil Code 143(2))",
    ],
    ["2028-02-28", "2029-02-27", "28 Feb start in a leap year"],
  ])("%s → %s (%s)", (start, expected) => {
    expect(minimumTermEnd(start)).toBe(expected);
  });
});

describe(renewalState.name, () => {
  it.each([
    ["2026-04-15", "2026-03-01", "minimum_term", 0, "2026-04-15", "2027-04-14"],
    ["2026-04-15", "2026-04-15", "minimum_term", 0, "2026-04-15", "2027-04-14"],
    ["2026-04-15", "2027-04-14", "minimum_term", 0, "2026-04-15", "2027-04-14"],
    ["2026-04-15", "2027-04-15", "monthly_renewal", 1, "2027-04-15", "2027-05-14"],
    ["2026-04-15", "2027-05-14", "monthly_renewal", 1, "2027-04-15", "2027-05-14"],
    ["2026-04-15", "2027-05-15", "monthly_renewal", 2, "2027-05-15", "2027-06-14"],
    ["2026-04-01", "2028-01-01", "monthly_renewal", 10, "2028-01-01", "2028-01-31"],
    ["2026-01-31", "2027-02-15", "monthly_renewal", 1, "2027-01-31", "2027-02-28"],
    ["2026-01-31", "2027-03-01", "monthly_renewal", 2, "2027-03-01", "2027-03-30"],
    ["2026-01-31", "2027-03-31", "monthly_renewal", 3, "2027-03-31", "2027-04-30"],
    ["2026-01-31", "2028-02-29", "monthly_renewal", 13, "2028-01-31", "2028-02-29"],
    ["2028-02-29", "2029-03-01", "monthly_renewal", 1, "2029-03-01", "2029-03-28"],
  ])("start %s on %s → %s #%i %s..%s", (start, on, phase, renewals, termStart, termEnd) => {
    expect(renewalState(start, on)).toEqual({ phase, renewals, termStart, termEnd });
    expect(currentTermEnd(start, on)).toBe(termEnd);
  });

  it("tiles time after the start with contiguous terms that contain the date", () => {
    const dates = isoDateBetween("2000-01-01", "2040-12-31");
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 4000 }), (start, offset) => {
        const on = addDays(start, offset);
        const term = renewalState(start, on);
        expect(term.termStart <= on && on <= term.termEnd).toBe(true);
        const next = renewalState(start, addDays(term.termEnd, 1));
        expect(next.termStart).toBe(addDays(term.termEnd, 1));
        expect(next.renewals).toBe(term.renewals + 1);
        const length = daysBetween(next.termStart, next.termEnd) + 1;
        expect(length >= 28 && length <= 31).toBe(true);
      }),
    );
  });
});

describe(objectionDeadline.name, () => {
  it.each([
    ["2027-04-14", "2027-03-14"],
    ["2027-03-31", "2027-02-28"],
    ["2028-03-30", "2028-02-29"],
    ["2027-01-31", "2026-12-31"],
  ])("term ending %s → object by %s", (termEnd, expected) => {
    expect(objectionDeadline(termEnd)).toBe(expected);
  });
});

describe(applicationDeemedRejectedAt.name, () => {
  it.each([
    ["2026-04-10T15:00:00+09:00", "2026-06-10T00:00:00+09:00", "afternoon receipt"],
    ["2026-04-10T00:00:00+09:00", "2026-06-10T00:00:00+09:00", "receipt at JST midnight"],
    ["2026-04-10T23:59:59.999+09:00", "2026-06-10T00:00:00+09:00", "last JST millisecond"],
    ["2026-04-09T23:59:00+09:00", "2026-06-09T00:00:00+09:00", "the JST day before"],
    ["2028-01-15T10:00:00+09:00", "2028-03-16T00:00:00+09:00", "across a leap February"],
  ])("received %s → rejected at %s (%s)", (received, expected) => {
    expect(applicationDeemedRejectedAt(new Date(received)).getTime()).toBe(
      new Date(expected).getTime(),
    );
  });

  it("comes after 60 full days and within 61 days of receipt", () => {
    const instants = fc.date({
      min: new Date("2000-01-01T00:00:00Z"),
      max: new Date("2040-01-01T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (receivedAt) => {
        const elapsed = applicationDeemedRejectedAt(receivedAt).getTime() - receivedAt.getTime();
        expect(elapsed >= 60 * DAY_MS && elapsed <= 61 * DAY_MS).toBe(true);
      }),
    );
  });
});

describe(isApplicationExpired.name, () => {
  const receivedAt = new Date("2026-04-10T15:00:00+09:00");
  const rejectedAt = new Date("2026-06-10T00:00:00+09:00").getTime();
  it.each([
    [rejectedAt - 1, false, "one millisecond before the deemed rejection"],
    [rejectedAt, true, "at the deemed rejection"],
    [receivedAt.getTime() + 60 * DAY_MS, false, "exactly 60 × 24 h after an afternoon receipt"],
  ])("at %i → %s (%s)", (now, expected) => {
    expect(isApplicationExpired(receivedAt, new Date(now))).toBe(expected);
  });

  it("rejects an invalid now", () => {
    expect(() => isApplicationExpired(receivedAt, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe(canTransition.name, () => {
  const allowed = new Set(["applied→active", "applied→rejected", "active→terminated"]);
  const pairs = CONTRACT_STATUSES.flatMap((from) =>
    CONTRACT_STATUSES.map((to) => [from, to] as const),
  );
  it.each(pairs)("%s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.has(`${from}→${to}`));
  });

  it("recognises only the four statuses", () => {
    expect(CONTRACT_STATUSES.every(isContractStatus)).toBe(true);
    expect(isContractStatus("cancelled")).toBe(false);
    expect(isContractStatus(undefined)).toBe(false);
  });
});
