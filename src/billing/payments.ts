// Payments received against an invoice (admin). Late ones earn Art. 27 interest, billed by a
// later close from these rows (close/late-payments.ts).
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { jstDateOf } from "../domain/time/jst.js";
import { AppError } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { auditCreated } from "./audited.js";
import { IsoDate, toPaymentView } from "./views.js";

export const NewPayment = z.strictObject({
  paidDate: IsoDate,
  amountYen: z.int().min(1).max(10_000_000_000),
});

export async function recordPayment(
  deps: BillingDeps,
  actor: Actor,
  invoiceId: string,
  input: z.infer<typeof NewPayment>,
  now: Date,
) {
  if (input.paidDate > jstDateOf(now.getTime())) {
    throw new AppError("VALIDATION", "invalid payment", [
      { path: "paidDate", message: "is in the future" },
    ]);
  }
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const invoice = await store.invoice(tx, { kind: "all" }, invoiceId);
    const row = await store.addPayment(tx, { ...input, invoiceId, createdBy: actor.userId });
    const view = toPaymentView(row);
    await auditCreated(
      store,
      tx,
      { actor, at: now, action: "payment.record" },
      row.id,
      invoice.contractId,
      view,
    );
    return view;
  });
}

/** An invoice's payments, oldest first; NOT_FOUND for an invoice out of scope. */
export async function listPayments(deps: BillingDeps, scope: ContractScope, invoiceId: string) {
  await deps.store.invoice(undefined, scope, invoiceId);
  return (await deps.store.paymentsOf(invoiceId)).map(toPaymentView);
}
