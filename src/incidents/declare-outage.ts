// Declaring an incident a total outage (SPEC 4): the outage is known from the incident's
// detection time and restored at its resolution; NOC classifies the cause later. Billing
// exempts from the outage record (SPEC 6.4).
import { scopeOf, type Actor } from "../access/actor.js";
import { toOutageView, type OutageView } from "../billing/views.js";
import type { OUTAGE_CAUSES } from "../domain/billing/scenario.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import type { IncidentDeps } from "./incident-tx.js";
import type { IncidentStore } from "./incident.store.js";
import { withIncident } from "./verb-support.js";

export function declareOutage(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { scope: "managed" | "service"; description?: string | undefined },
) {
  return withIncident(deps, actor, id, "declare_outage", async (tx, incident, at, changes) => {
    if (incident.outageId) throw conflict("an outage is already declared for this incident");
    const outage = await deps.incidents.createOutage(tx, {
      contractId: incident.contractId,
      scope: input.scope,
      cause: null,
      knownAt: incident.openedAt,
      restoredAt: incident.resolvedAt,
      description:
        input.description ?? `${incident.ruleName} (incident ${incident.id.slice(0, 8)})`,
      incidentId: incident.id,
      createdBy: actor.userId,
    });
    await deps.incidents.audit(tx, {
      actor,
      at,
      action: "outage.create",
      entityType: "outage",
      entityId: outage.id,
      contractId: outage.contractId,
      before: null,
      after: toOutageView(outage),
    });
    incident.outageId = outage.id;
    incident.version += 1;
    const after = await deps.incidents.save(tx, incident);
    await changes.record(after, {
      kind: "outage_declared",
      at,
      actor,
      data: { outageId: outage.id, scope: input.scope },
    });
    return after;
  });
}

type OutageCause = (typeof OUTAGE_CAUSES)[number];

/** Billing's classification of an outage's cause (the port the composition root wires). */
export type ClassifyOutage = (
  actor: Actor,
  outageId: string,
  input: { cause: OutageCause },
  now: Date,
) => Promise<OutageView>;

export async function classifyIncidentOutage(
  deps: { incidents: IncidentStore; classifyOutage: ClassifyOutage; clock: IncidentDeps["clock"] },
  actor: Actor,
  id: string,
  input: { cause: OutageCause },
) {
  const incident = await deps.incidents.find(scopeOf(actor), id);
  if (!incident) throw notFound("incident");
  if (!incident.outageId) {
    throw new AppError("PRECONDITION_FAILED", "declare an outage for this incident first");
  }
  return deps.classifyOutage(actor, incident.outageId, input, deps.clock.now());
}
