// The audit row of a billing record a use case has just created.
import type { Actor } from "../access/actor.js";
import type { Tx } from "../db/unit-of-work.js";
import type { BillingStore } from "./billing.store.js";

/**
 * Audits a new record: nothing before, its view after. The entity type is the action's
 * prefix (`service_fee.add` → `service_fee`), as every billing action is named.
 */
export function auditCreated(
  store: Pick<BillingStore, "audit">,
  tx: Tx,
  by: { actor: Actor; at: Date; action: `${string}.${string}` },
  entityId: string,
  contractId: string,
  view: unknown,
): Promise<void> {
  return store.audit(tx, {
    actor: by.actor,
    at: by.at,
    action: by.action,
    entityType: by.action.slice(0, by.action.indexOf(".")),
    entityId,
    contractId,
    before: null,
    after: view,
  });
}
