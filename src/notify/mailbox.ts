// The local mailbox as the API shows it: staff read all, a customer its contract's only.
import type { ContractScope } from "../access/actor.js";
import { notFound } from "../shared/errors.js";
import type { MailboxStore } from "./mailbox.store.js";
import { toMailboxSummary, toMailboxView } from "./views.js";

export async function listMailbox(
  store: MailboxStore,
  scope: ContractScope,
  q: { contractId?: string | undefined; limit: number; offset: number },
) {
  const contractId = scope.kind === "contract" ? scope.contractId : q.contractId;
  const { rows, total } = await store.list({ ...q, contractId });
  return { items: rows.map(toMailboxSummary), total, limit: q.limit, offset: q.offset };
}

export async function getMailboxMessage(store: MailboxStore, scope: ContractScope, id: string) {
  const row = await store.get(scope, id);
  if (!row) throw notFound("mailbox message");
  return toMailboxView(row);
}
