// Incident changes rendered as the small deltas sockets carry (dates as ISO strings).
import type { IncidentChange } from "../incidents/events.js";
import type { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";
import type { CustomerIncidentDelta, IncidentDelta, IncidentEvent } from "./messages.js";

const iso = (d: Date | string | null): string | null =>
  d === null ? null : new Date(d).toISOString();

export function incidentDelta(i: IncidentEntity, componentName: string | null): IncidentDelta {
  return {
    id: i.id,
    contractId: i.contractId,
    componentId: i.componentId,
    componentName,
    state: i.state,
    severity: i.severity,
    tier: i.tier,
    overage: i.overage,
    suppressed: i.suppressed,
    runbookMissing: i.runbookMissing,
    openedAt: iso(i.openedAt)!,
    acknowledgedAt: iso(i.acknowledgedAt),
    resolvedAt: iso(i.resolvedAt),
    escalationLevel: i.escalationLevel,
    assigneeId: i.assigneeId,
    repeatCount: i.repeatCount,
    memberCount: i.memberCount,
    membersTotal: i.membersTotal,
    scope: i.scope,
    ruleName: i.ruleName,
    value: i.value,
    threshold: i.threshold,
  };
}

export function incidentEvent(change: IncidentChange): IncidentEvent {
  return feedEvent(change.event, change.incident, change.component?.name ?? null);
}

/** The event for one timeline row (another process's change: the incident as it is now). */
export function feedEvent(
  e: IncidentEventEntity,
  incident: IncidentEntity,
  componentName: string | null,
): IncidentEvent {
  return {
    version: String(e.id),
    kind: e.kind,
    incident: incidentDelta(incident, componentName),
    event: {
      id: String(e.id),
      at: iso(e.at)!,
      kind: e.kind,
      actorName: e.actorName,
      note: e.note,
      customerVisible: e.customerVisible,
    },
  };
}

/** The NOC's internal fields of an incident, never sent to a customer's socket. */
const INTERNAL_DELTA_FIELDS = ["escalationLevel", "assigneeId", "repeatCount"] as const;

/** An incident delta as a customer may see it (the incidents API strips the same fields). */
export function customerDelta(i: IncidentDelta): CustomerIncidentDelta {
  const out: Partial<IncidentDelta> = { ...i };
  for (const f of INTERNAL_DELTA_FIELDS) delete out[f];
  return out as CustomerIncidentDelta;
}
