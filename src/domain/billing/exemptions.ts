// Outage exemptions (Art. 24 (2) table, Appx 3 1; SPEC §6.4). Each outage is computed on
// its own, then the month's total per scope is capped at that scope's monthly fee.
import { assertNever } from "../../shared/assert-never.js";
import { DAY_MS, MINUTE_MS, jstMonthEndMs, jstMonthStartMs } from "../time/jst.js";
import { daysInMonth, type YearMonth } from "../time/month.js";
import { type InvoiceLine, amountLine, formatYen } from "./invoice-line.js";
import { mulDivFloor, sumYen } from "./money.js";
import type { Outage, OutageCause, OutageScope } from "./scenario.js";
import { BILLING_POLICY } from "./tariff.js";

/** Rows of the Art. 24 (2) table: 1/3 count whole 24 h blocks, 2/4 count every minute. */
export type ExemptionRow = 1 | 2 | 3 | 4;

/** Which row an outage falls under, or null when it earns no exemption. */
export function exemptionRow(scope: OutageScope, cause: OutageCause): ExemptionRow | null {
  switch (cause) {
    case "provider_fault":
      return scope === "service" ? 1 : 3;
    case "gross_negligence":
      return scope === "service" ? 2 : 4;
    case "third_party":
      // Row 1 needs the provider's fault; row 3 only needs "not the customer's fault".
      return scope === "service" ? null : 3;
    case "customer_fault":
    case "force_majeure":
    case "maintenance":
    case "restriction":
    case "suspension":
      return null;
    default:
      return assertNever(cause);
  }
}

export interface OutageExemption {
  row: ExemptionRow;
  /** Whole 24 h blocks (rows 1/3) or whole minutes (rows 2/4) exempt in the month. */
  units: number;
  /** Uncapped amount, rounded down, positive. */
  amountYen: number;
}

/**
 * The exemption one outage earns in `month` against `feeYen`. The close of a month is its end
 * (00:00 JST on the 1st of the next month): an outage still open then is counted up to it, and
 * the next month's scenario carries it on. Reading: a 24 h block that starts before a close
 * but ends after it stays with its start month; once the outage is restored the close
 * recomputes that month and refunds the difference (exemptionRefundLine).
 */
export function outageExemption(
  outage: Outage,
  month: YearMonth,
  feeYen: number,
): OutageExemption | null {
  const row = exemptionRow(outage.scope, outage.cause);
  if (row === null) return null;
  const [monthStart, monthEnd] = [jstMonthStartMs(month), jstMonthEndMs(month)];
  const end = outage.restoredAtMs ?? monthEnd;
  const days = daysInMonth(month);
  if (row === 1 || row === 3) {
    const units = blocksStartingIn(outage.knownAtMs, end, monthStart, monthEnd);
    return { row, units, amountYen: mulDivFloor(feeYen, units, days) };
  }
  const overlapMs = Math.max(0, Math.min(end, monthEnd) - Math.max(outage.knownAtMs, monthStart));
  if (BILLING_POLICY.exemptionPartialMinuteDropped) {
    const units = Math.floor(overlapMs / MINUTE_MS);
    return { row, units, amountYen: mulDivFloor(feeYen, units, days * 1_440) };
  }
  return {
    row,
    units: overlapMs / MINUTE_MS,
    amountYen: mulDivFloor(feeYen, overlapMs, days * DAY_MS),
  };
}

/**
 * Whole 24 h blocks counted from knownAt that start inside [monthStart, monthEnd). The 24 h
 * condition is judged on the whole outage; a block belongs to the month in which it starts.
 */
export function blocksStartingIn(
  knownAtMs: number,
  endMs: number,
  monthStart: number,
  monthEnd: number,
): number {
  const blocks = Math.floor((endMs - knownAtMs) / DAY_MS);
  if (blocks < 1) return 0;
  const first = Math.max(0, Math.ceil((monthStart - knownAtMs) / DAY_MS));
  const last = Math.min(blocks - 1, Math.ceil((monthEnd - knownAtMs) / DAY_MS) - 1);
  return Math.max(0, last - first + 1);
}

export interface ScopeFees {
  managed: number;
  service: number;
}

/** One negative line per exempting outage, in input order, the running total capped per scope. */
export function exemptionLines(
  outages: readonly Outage[],
  month: YearMonth,
  fees: ScopeFees,
): InvoiceLine[] {
  const used: ScopeFees = { managed: 0, service: 0 };
  const lines: InvoiceLine[] = [];
  for (const outage of outages) {
    const fee = fees[outage.scope];
    const exemption = outageExemption(outage, month, fee);
    if (!exemption || exemption.amountYen === 0) continue;
    const amountYen = Math.min(exemption.amountYen, fee - used[outage.scope]);
    if (amountYen <= 0) continue;
    used[outage.scope] += amountYen;
    const capped =
      amountYen < exemption.amountYen ? `, capped at the monthly fee ${formatYen(fee)}` : "";
    lines.push(
      amountLine(lineCode(outage.scope), describe(outage, exemption, month) + capped, -amountYen),
    );
  }
  return lines;
}

function lineCode(scope: OutageScope): "exemption_managed" | "exemption_service" {
  switch (scope) {
    case "managed":
      return "exemption_managed";
    case "service":
      return "exemption_service";
    default:
      return assertNever(scope);
  }
}

function describe(outage: Outage, e: OutageExemption, month: YearMonth): string {
  const what = outage.scope === "managed" ? "Managed-service" : "Service";
  const basis =
    e.row === 1 || e.row === 3
      ? `${e.units} × 24 h of ${daysInMonth(month)} days`
      : `${e.units} min of ${daysInMonth(month) * 1_440}`;
  const open = outage.restoredAtMs === null ? ", open at close" : "";
  return `${what} outage exemption, row ${e.row} (${outage.cause}): ${basis}${open}`;
}

/**
 * SPEC §6.4 "already paid amounts that become exempt are refunded (a credit on the next
 * invoice)": when the close recomputes an already invoiced month with outage data that became
 * final later (an outage open at that close, now restored), the extra exemption is credited.
 */
export function exemptionRefundLine(
  closedMonth: YearMonth,
  invoicedLines: readonly InvoiceLine[],
  recomputedLines: readonly InvoiceLine[],
): InvoiceLine | null {
  const exempted = (lines: readonly InvoiceLine[]) =>
    -sumYen(
      lines
        .filter((l) => l.code === "exemption_managed" || l.code === "exemption_service")
        .map((l) => l.amountYen),
    );
  const refundYen = exempted(recomputedLines) - exempted(invoicedLines);
  if (refundYen <= 0) return null;
  const what = `Refund of ${closedMonth} outage exemptions that became final after its close`;
  return amountLine("exemption_refund", what, -refundYen);
}
