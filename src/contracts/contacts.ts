// A contract's contacts: who receives its notices and incident e-mails.
import type { Actor, ContractScope } from "../access/actor.js";
import type { ContractsDeps } from "./deps.js";
import { toContactView, type ContactInput, type ContactView } from "./views.js";

export async function listContacts(
  deps: Pick<ContractsDeps, "contracts">,
  scope: ContractScope,
  contractId: string,
): Promise<ContactView[]> {
  await deps.contracts.get(scope, contractId);
  return (await deps.contracts.contacts(contractId)).map(toContactView);
}

/** Replaces the whole list under the contract's lock; the audit keeps before and after. */
export async function replaceContacts(
  deps: Pick<ContractsDeps, "uow" | "contracts" | "audit">,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  contacts: readonly ContactInput[],
  now: Date,
): Promise<ContactView[]> {
  return deps.uow.transaction(async (tx) => {
    await deps.contracts.get(scope, contractId, { tx, lock: true });
    const before = (await deps.contracts.contacts(contractId, tx)).map(toContactView);
    await deps.contracts.replaceContacts(tx, contractId, contacts);
    const after = (await deps.contracts.contacts(contractId, tx)).map(toContactView);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "contacts.replace",
      entityType: "contract",
      entityId: contractId,
      contractId,
      before: { contacts: before },
      after: { contacts: after },
    });
    return after;
  });
}
