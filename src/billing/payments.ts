// Payments received against an invoice (admin). Late ones earn Art. 27 interest, billed by a
// later close from these rows (close/late-payments.ts).
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { PaymentEntity } from "../db/entities/index.js";
import { jstDateOf } from "../domain/time/jst.js";
import { AppError } from "../shared/errors.js";
import { getInvoice } from "./scoped.js";
import { IsoDate, toPaymentView } from "./views.js";

export const NewPayment = z.strictObject({
  paidDate: IsoDate,
  amountYen: z.int().min(1).max(10_000_000_000),
});

export async function recordPayment(
  deps: { db: DataSource },
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
  return deps.db.transaction(async (tx) => {
    const invoice = await getInvoice(tx, { kind: "all" }, invoiceId);
    const row = await tx.save(
      tx.create(PaymentEntity, { ...input, invoiceId, createdBy: actor.userId }),
    );
    const view = toPaymentView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "payment.record",
      entityType: "payment",
      entityId: row.id,
      contractId: invoice.contractId,
      before: null,
      after: view,
    });
    return view;
  });
}
