// Late-payment interest from recorded payments (Art. 27, SPEC 6.5). Pure: which part of
// which payment was late, given the invoice total and its due date.
import { lateInterestDays } from "../../domain/billing/extras.js";
import type { LatePayment } from "../../domain/billing/scenario.js";

export interface PaymentRow {
  id: string;
  paidDate: string;
  amountYen: number;
}

export interface LatePart {
  paymentId: string;
  late: LatePayment;
}

/**
 * Payments settle the invoice in date order; the part of a payment made after the due date
 * that covers what was still unpaid on it earns interest. A payment on the day after the due
 * date has no interest days (the day of payment is excluded), so it yields nothing.
 */
export function latePartsOf(
  totalYen: number,
  dueDate: string,
  payments: readonly PaymentRow[],
): LatePart[] {
  const ordered = [...payments].sort((a, b) =>
    a.paidDate < b.paidDate ? -1 : a.paidDate > b.paidDate ? 1 : a.id < b.id ? -1 : 1,
  );
  let unpaidYen = totalYen;
  const parts: LatePart[] = [];
  for (const p of ordered) {
    const coveredYen = Math.min(p.amountYen, Math.max(0, unpaidYen));
    unpaidYen -= p.amountYen;
    if (coveredYen <= 0 || p.paidDate <= dueDate || lateInterestDays(dueDate, p.paidDate) === 0)
      continue;
    parts.push({ paymentId: p.id, late: { amountYen: coveredYen, dueDate, paidDate: p.paidDate } });
  }
  return parts;
}
