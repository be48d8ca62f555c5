// What the manual verbs share: a tenant-scoped, locked incident in a transaction, the
// transition rule, and the audit row written in the same transaction as the change.
import type { Tx } from "../db/unit-of-work.js";
import { assertInScope, scopeOf, type Actor } from "../access/actor.js";
import type { IncidentEntity } from "../db/entities/index.js";
import {
  allowedFrom,
  refusal,
  type IncidentState,
  type IncidentVerb,
} from "../domain/incidents/lifecycle.js";
import { conflict, notFound } from "../shared/errors.js";
import { incidentTx, type Changes, type IncidentDeps } from "./incident-tx.js";

export function assertTransition(incident: IncidentEntity, verb: IncidentVerb): void {
  const state = incident.state as IncidentState;
  if (!allowedFrom(verb).includes(state)) throw conflict(refusal(verb, state));
}

/**
 * Applies a change only while the incident is still in a state the verb is allowed from
 * (the row lock makes this exact; the store's conditional update keeps it exact anyway).
 */
export async function transition(
  deps: Pick<IncidentDeps, "incidents">,
  tx: Tx,
  incident: IncidentEntity,
  verb: IncidentVerb,
  patch: Partial<IncidentEntity>,
): Promise<IncidentEntity> {
  assertTransition(incident, verb);
  const after = await deps.incidents.transition(tx, incident.id, allowedFrom(verb), patch);
  if (!after) throw conflict(refusal(verb, incident.state as IncidentState));
  return after;
}

export function withIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  action: string,
  fn: (tx: Tx, incident: IncidentEntity, at: Date, changes: Changes) => Promise<IncidentEntity>,
): Promise<IncidentEntity> {
  return incidentTx(deps, async (tx, changes) => {
    const before = await deps.incidents.lock(tx, id);
    if (!before) throw notFound("incident");
    assertInScope(scopeOf(actor), before.contractId, "incident");
    const snapshot = { ...before };
    const at = deps.clock.now();
    const after = await fn(tx, before, at, changes);
    await deps.incidents.audit(tx, {
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

/** The fields a reopen resets, by hand or by a fire within the reopen window. */
export function reopenedFields(incident: IncidentEntity, at: Date): Partial<IncidentEntity> {
  return {
    state: "open",
    reopenCount: incident.reopenCount + 1,
    lastFiredAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    resolveNote: null,
    conditionClearedAt: null,
    escalationLevel: 0,
    version: incident.version + 1,
  };
}
