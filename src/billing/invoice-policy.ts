// The readings this project picked for issuing and collecting invoices, in one named place
// (SPEC: "keep it in one named place in the code"). Pricing readings live in the domain's
// BILLING_POLICY; these concern the invoice as a document and the monthly close around it.
import { addMonths, lastDayOfMonth, type YearMonth } from "../domain/time/month.js";
import type { IsoDate } from "../domain/time/date.js";

export const INVOICE_POLICY = {
  /**
   * Payment is due at the end of the month following the invoice month (a 2026-11 invoice is
   * due 2026-12-31, as in SPEC 6.5's late-interest example). Art. 27 interest runs from the
   * day after this date.
   */
  dueMonthsAfterInvoiceMonth: 1,
  /** Contracts closed per batch: a handful of queries each, one INSERT for all its invoices. */
  closeBatchSize: 500,
} as const;

// Two more readings, implemented where they act (close/compose.ts, close/close-store.ts):
// - Late interest is billed on the first close after the late payment is recorded (its
//   paidDate in or before the closed month), once: the invoice lists the payments whose
//   interest it carries (interest_payment_ids).
// - An outage still open at a close is exempted up to the close and carried into the next
//   month. The next close recomputes the previous month with outages as then known (open ones
//   counted up to that close) and credits exempt time that became final (exemptionRefundLine):
//   a block that straddled the close, a late classification, an outage recorded late.

export function paymentDueDate(month: YearMonth): IsoDate {
  return lastDayOfMonth(addMonths(month, INVOICE_POLICY.dueMonthsAfterInvoiceMonth));
}
