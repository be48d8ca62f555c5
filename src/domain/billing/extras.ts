// Amounts beyond the monthly fee (SPEC §6.1 overage, §6.5): overage lines, liability credits
// and late-payment interest. Contract changes (termination, downgrade) are in contract-changes.ts.
import { daysBetween, type IsoDate } from "../time/date.js";
import { addMonths, monthOfDate, type YearMonth } from "../time/month.js";
import { type InvoiceLine, type LineCode, amountLine, formatYen } from "./invoice-line.js";
import { mulDivFloor } from "./money.js";
import type { LatePayment, LiabilityCredit } from "./scenario.js";
import { BILLING_POLICY, type Tariff } from "./tariff.js";

/** A priced overage line, or with no price in the tariff: amount 0, flagged "to be quoted". */
function overageLine(
  code: LineCode,
  description: string,
  quantity: number,
  unitYen: number | null,
  amountYen: number,
): InvoiceLine {
  if (unitYen === null) {
    const what = `${description} (to be quoted)`;
    return {
      code,
      description: what,
      quantity,
      unitYen: 0,
      amountYen: 0,
      taxable: true,
      toBeQuoted: true,
    };
  }
  return { code, description, quantity, unitYen, amountYen, taxable: true };
}

/** Responses beyond the monthly quota (SPEC §4): one line with their count. */
export function incidentOverageLine(responses: number, tariff: Tariff): InvoiceLine | null {
  const over = responses - tariff.incidentQuotaPerMonth;
  if (over <= 0) return null;
  const price = tariff.incidentOverageYen;
  const what = `Incident responses beyond ${tariff.incidentQuotaPerMonth} in the month`;
  return overageLine(
    "incident_overage",
    what,
    over,
    price,
    price === null ? 0 : mulDivFloor(over, price, 1),
  );
}

/**
 * Premium runbook minutes beyond the pooled allowance (components × 60 min). Quantity is in
 * minutes and unitYen is the hourly price: amount = floor(minutes × perHour ÷ 60).
 */
export function runbookOverageLine(
  minutes: number,
  components: number,
  tariff: Tariff,
): InvoiceLine | null {
  const allowance = components * tariff.runbookAllowanceMinutesPerComponent;
  const over = minutes - allowance;
  if (over <= 0) return null;
  const price = tariff.runbookOverageYenPerHour;
  const rate = price === null ? "" : ` at ${formatYen(price)}/hour`;
  const what = `Runbook minutes beyond the ${allowance}-minute allowance${rate}`;
  return overageLine(
    "runbook_overage",
    what,
    over,
    price,
    price === null ? 0 : mulDivFloor(over, price, 60),
  );
}

/** Art. 21 (2): a claim counts only if made within 30 days of the damage. Null when fine. */
export function claimDateProblem(damageDate: IsoDate, claimDate: IsoDate): string | null {
  const days = daysBetween(damageDate, claimDate);
  if (days < 0) return "is before damageDate";
  const limit = BILLING_POLICY.liabilityClaimDays;
  if (days > limit) {
    return `claim made ${days} days after the damage: Art. 21 (2) accepts claims within ${limit} days`;
  }
  return null;
}

/** The month whose invoice a credit for damage on `damageDate` reduces (翌々月). */
export function creditMonth(damageDate: IsoDate): YearMonth {
  return addMonths(monthOfDate(damageDate), BILLING_POLICY.liabilityCreditDelayMonths);
}

/**
 * Credits applied in `month` (damage two months earlier), together capped at that damaged
 * month's managed-service monthly fee, which `managedFeeOf` computes.
 */
export function liabilityCreditLines(
  credits: readonly LiabilityCredit[],
  month: YearMonth,
  managedFeeOf: (month: YearMonth) => number,
): InvoiceLine[] {
  const due = credits.filter((c) => creditMonth(c.damageDate) === month);
  if (due.length === 0) return [];
  const damagedMonth = addMonths(month, -BILLING_POLICY.liabilityCreditDelayMonths);
  const capYen = managedFeeOf(damagedMonth);
  let usedYen = 0;
  const lines: InvoiceLine[] = [];
  for (const credit of due) {
    const amountYen = Math.min(credit.amountYen, capYen - usedYen);
    if (amountYen <= 0) continue;
    usedYen += amountYen;
    const capped =
      amountYen < credit.amountYen
        ? `, capped at the ${damagedMonth} managed fee ${formatYen(capYen)}`
        : "";
    lines.push(
      amountLine(
        "liability_credit",
        `Liability credit for damage on ${credit.damageDate}${capped}`,
        -amountYen,
      ),
    );
  }
  return lines;
}

/** Art. 27: days from the day after the due date to the day before payment. */
export function lateInterestDays(dueDate: IsoDate, paidDate: IsoDate): number {
  return Math.max(0, daysBetween(dueDate, paidDate) - 1);
}

/** floor(amount × 14.5 % × days ÷ 365), integer math throughout. */
export function lateInterestYen(payment: LatePayment): number {
  const days = lateInterestDays(payment.dueDate, payment.paidDate);
  const { lateInterestPerMille: perMille, lateInterestDayBasis: basis } = BILLING_POLICY;
  return mulDivFloor(payment.amountYen, perMille * days, 1_000 * basis);
}

export function lateInterestLine(payment: LatePayment): InvoiceLine {
  const days = lateInterestDays(payment.dueDate, payment.paidDate);
  const what =
    `Late-payment interest on ${formatYen(payment.amountYen)} due ${payment.dueDate}, ` +
    `paid ${payment.paidDate}: ${days} days at 14.5 %/year (365-day basis)`;
  return amountLine("late_interest", what, lateInterestYen(payment), false);
}
