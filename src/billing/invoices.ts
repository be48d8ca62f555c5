// Reading issued invoices (every revision is kept: SPEC 6, invoices are immutable) and asking
// for the next revision of one. Tenant-scoped: another contract's invoice is "not found".
import { assertInScope, type Actor, type ContractScope } from "../access/actor.js";
import type { InvoiceEntity } from "../db/entities/index.js";
import type { BillingDeps } from "./billing.store.js";
import type { CloseDeps } from "./close/close.store.js";
import { reviseInvoice } from "./close/revise-invoice.js";

export interface InvoiceQuery {
  contractId?: string | undefined;
  month?: string | undefined;
  limit: number;
  offset: number;
}

/** Newest month first; a customer sees only its contract's, whatever it asks for. */
export async function listInvoices(deps: BillingDeps, scope: ContractScope, q: InvoiceQuery) {
  if (q.contractId) assertInScope(scope, q.contractId, "contract");
  const contractId = scope.kind === "contract" ? scope.contractId : q.contractId;
  return deps.store.invoices({ ...q, contractId });
}

export function getInvoice(
  deps: BillingDeps,
  scope: ContractScope,
  id: string,
): Promise<InvoiceEntity> {
  return deps.store.invoice(undefined, scope, id);
}

/** The next revision of the month of the invoice `id`, from the data as stored now. */
export async function reviseInvoiceById(
  deps: { billing: BillingDeps; close: CloseDeps },
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
): Promise<InvoiceEntity> {
  const invoice = await getInvoice(deps.billing, { kind: "all" }, id);
  return reviseInvoice(
    deps.close,
    actor,
    { contractId: invoice.contractId, month: invoice.month, reason },
    now,
  );
}
