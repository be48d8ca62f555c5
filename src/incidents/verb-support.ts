// What the manual verbs share: a scoped, locked incident in a transaction, audited.
import type { EntityManager } from "typeorm";
import { scopeOf, type Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import type { IncidentEntity } from "../db/entities/index.js";
import { incidentTx, type Changes, type IncidentDeps } from "./incident-tx.js";
import { lockIncident } from "./incident-store.js";

export function withIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  action: string,
  fn: (
    m: EntityManager,
    incident: IncidentEntity,
    at: Date,
    changes: Changes,
  ) => Promise<IncidentEntity>,
): Promise<IncidentEntity> {
  return incidentTx(deps, async (m, changes) => {
    const before = await lockIncident(m, scopeOf(actor), id);
    const snapshot = { ...before };
    const at = deps.clock.now();
    const after = await fn(m, before, at, changes);
    await recordAudit(m, {
      actor,
      at,
      action: `incident.${action}`,
      entityType: "incident",
      entityId: id,
      contractId: after.contractId,
      before: { state: snapshot.state, version: snapshot.version },
      after: { state: after.state, version: after.version },
    });
    return after;
  });
}
