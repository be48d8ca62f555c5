// Declaring an incident a total outage (SPEC 4): the outage is known from the incident's
// detection time and restored at its resolution; NOC classifies the cause later. Billing
// exempts from the outage record (SPEC 6.4).
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { classifyOutage } from "../billing/outages.js";
import { toOutageView } from "../billing/views.js";
import { IncidentEntity, OutageEntity } from "../db/entities/index.js";
import { AppError, conflict } from "../shared/errors.js";
import type { IncidentDeps } from "./incident-tx.js";
import { appendTimeline } from "./timeline.js";
import { withIncident } from "./verb-support.js";

export function declareOutage(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { scope: "managed" | "service"; description?: string | undefined },
) {
  return withIncident(deps, actor, id, "declare_outage", async (m, incident, at, changes) => {
    if (incident.outageId) throw conflict("an outage is already declared for this incident");
    const outage = await m.save(
      m.create(OutageEntity, {
        contractId: incident.contractId,
        scope: input.scope,
        cause: null,
        knownAt: incident.openedAt,
        restoredAt: incident.resolvedAt,
        description:
          input.description ?? `${incident.ruleName} (incident ${incident.id.slice(0, 8)})`,
        incidentId: incident.id,
        createdBy: actor.userId,
      }),
    );
    await recordAudit(m, {
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
    const after = await m.save(IncidentEntity, incident);
    changes.push(
      await appendTimeline(m, deps.hub, after, {
        kind: "outage_declared",
        at,
        actor,
        data: { outageId: outage.id, scope: input.scope },
      }),
    );
    return after;
  });
}

export async function classifyIncidentOutage(
  deps: IncidentDeps,
  actor: Actor,
  incident: IncidentEntity,
  input: { cause: string },
) {
  if (!incident.outageId) {
    throw new AppError("PRECONDITION_FAILED", "declare an outage for this incident first");
  }
  return classifyOutage(
    { db: deps.db },
    actor,
    incident.outageId,
    { cause: input.cause as never },
    deps.clock.now(),
  );
}
