// Charges for leaving or shrinking the contract inside the minimum term (Art. 11 (2), (3);
// SPEC §6.5). Both count whole calendar months after the change month up to and including the
// month of the minimum term's last day.
import { minimumTermEnd } from "../contracts/terms.js";
import { monthOfDate, monthsBetween, type YearMonth } from "../time/month.js";
import { type InvoiceLine, formatYen, pricedLine } from "./invoice-line.js";
import type { BillingScenario } from "./scenario.js";

/** Months after `month` up to the month of the minimum term's last day (0 when none). */
export function remainingTermMonths(startDate: string, month: YearMonth): number {
  return Math.max(0, monthsBetween(month, monthOfDate(minimumTermEnd(startDate))));
}

/**
 * Early termination (Art. 11 (2)): charged in the termination month when the contract ends
 * before the minimum term's last day, unless the provider's fault ended it.
 */
export function earlyTerminationLine(
  scenario: BillingScenario,
  monthlyFeeYen: number,
): InvoiceLine | null {
  const { contract, month } = scenario;
  const end = contract.endDate;
  if (end === null || monthOfDate(end) !== month || contract.terminatedByProviderFault) return null;
  const lastDay = minimumTermEnd(contract.startDate);
  if (end >= lastDay) return null;
  const months = remainingTermMonths(contract.startDate, month);
  if (months === 0) return null;
  const what = `Early termination: ${months} months of the minimum term ending ${lastDay} at ${formatYen(monthlyFeeYen)}`;
  return pricedLine("early_termination", what, months, monthlyFeeYen);
}

/**
 * Downgrade (Art. 11 (3)): (old − new managed fee, same components) × remaining months,
 * charged in the effective month; nothing when the new fee is not lower.
 */
export function downgradeLine(
  scenario: BillingScenario,
  oldFeeYen: number,
  newFeeYen: number,
): InvoiceLine | null {
  const { downgrade, contract, month } = scenario;
  if (!downgrade || downgrade.effectiveMonth !== month) return null;
  const months = remainingTermMonths(contract.startDate, month);
  const differenceYen = oldFeeYen - newFeeYen;
  if (months === 0 || differenceYen <= 0) return null;
  const what =
    `Downgrade ${downgrade.fromPlan} → ${contract.plan}: ${months} remaining months × ` +
    `(${formatYen(oldFeeYen)} − ${formatYen(newFeeYen)})`;
  return pricedLine("downgrade", what, months, differenceYen);
}
