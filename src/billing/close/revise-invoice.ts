// A correction (SPEC 6: invoices are immutable): revision n+1 of a month's invoice, computed
// from the data as stored now, with its reason. The old rows stay as issued.
import type { Actor } from "../../access/actor.js";
import type { InvoiceEntity } from "../../db/entities/index.js";
import type { Tx } from "../../db/unit-of-work.js";
import { sumYen } from "../../domain/billing/money.js";
import { addMonths, type YearMonth } from "../../domain/time/month.js";
import { AppError, conflict, notFound } from "../../shared/errors.js";
import { formatPath } from "../../shared/zod-issues.js";
import type { CloseDeps, CloseStore } from "./close.store.js";
import { composeInvoice } from "./compose.js";

export interface RevisionInput {
  contractId: string;
  month: YearMonth;
  reason: string;
}

export async function reviseInvoice(
  deps: Pick<CloseDeps, "uow" | "store">,
  actor: Actor | "system",
  input: RevisionInput,
  now: Date,
): Promise<InvoiceEntity> {
  const { contractId, month, reason } = input;
  const { store } = deps;
  return deps.uow.transaction(async (tx) => {
    const contract = await store.lockContract(tx, contractId); // serialises revisions
    const current = (await store.latestInvoices(tx, [contractId], month)).get(contractId);
    if (!current) throw notFound(`invoice of ${month} for this contract`);
    const [loaded] = await store.inputsOf(tx, [contract], month);
    // Interest stays with the invoice that billed it; newer late payments go to the next close.
    const inputs = {
      ...loaded!,
      latePayments: current.scenario.latePayments,
      interestPaymentIds: current.interestPaymentIds,
    };
    const previous =
      (await store.latestInvoices(tx, [contractId], addMonths(month, -1))).get(contractId) ?? null;
    const composed = composeInvoice({
      month,
      inputs,
      previous,
      refundedLaterYen: await refundedLater(store, tx, contractId, month),
      versions: await store.tariffVersions(tx),
    });
    if (!composed.ok) {
      const issues = composed.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      throw new AppError(
        "VALIDATION",
        "the stored data of this contract does not make a valid billing scenario",
        issues,
      );
    }
    const revision = current.revision + 1;
    const [id] = await store.issueInvoices(
      tx,
      [
        {
          contractId,
          customerName: contract.customerName,
          month,
          revision,
          reason,
          invoice: composed.invoice,
          taxRatePercent: composed.taxRatePercent,
          scenario: composed.scenario,
          interestPaymentIds: inputs.interestPaymentIds,
        },
      ],
      { now, actor, action: "invoice.revise" },
    );
    if (!id) throw conflict(`revision ${revision} of ${month} was issued concurrently`);
    return store.invoiceById(tx, id);
  });
}

/**
 * What the next month's invoice already credited for this month's outages: a revision
 * recomputes them as known now, so that credit must not be given twice.
 */
async function refundedLater(
  store: CloseStore,
  tx: Tx,
  contractId: string,
  month: YearMonth,
): Promise<number> {
  const next = (await store.latestInvoices(tx, [contractId], addMonths(month, 1))).get(contractId);
  if (!next) return 0;
  return -sumYen(next.lines.filter((l) => l.code === "exemption_refund").map((l) => l.amountYen));
}
