// The API shape of incidents and their timeline; the names a view shows (component,
// customer, plan) come from the store's batch lookup, two queries for a page of incidents.
import { z } from "zod";
import type { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";
import type { MemberView, Names } from "./incident.store.js";

const iso = z.string();
const isoOrNull = z.string().nullable();

export const IncidentView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  customerName: z.string(),
  plan: z.string(),
  componentId: z.uuid().nullable(),
  componentName: z.string().nullable(),
  ruleId: z.uuid().nullable(),
  ruleName: z.string(),
  ruleKind: z.string(),
  labels: z.record(z.string(), z.string()),
  metric: z.string().nullable(),
  severity: z.string(),
  state: z.enum(["open", "acknowledged", "resolved"]),
  tier: z.string().nullable(),
  runbookMissing: z.boolean(),
  suppressed: z.boolean(),
  countsQuota: z.boolean(),
  overage: z.boolean(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  openedAt: iso,
  lastFiredAt: iso,
  repeatCount: z.number().int(),
  memberCount: z.number().int().describe("members (component, label set) failing now"),
  membersTotal: z.number().int().describe("members ever joined: above 1, a grouped incident"),
  scope: z
    .enum(["component", "contract"])
    .describe("contract: most components silent (unreachable)"),
  routedAt: isoOrNull,
  acknowledgedAt: isoOrNull,
  acknowledgedBy: z.uuid().nullable(),
  conditionClearedAt: isoOrNull,
  resolvedAt: isoOrNull,
  resolvedBy: z.uuid().nullable(),
  resolution: z.string().nullable(),
  resolveNote: z.string().nullable(),
  reopenCount: z.number().int(),
  escalationLevel: z.number().int(),
  escalateAt: isoOrNull,
  assigneeId: z.uuid().nullable(),
  outageId: z.uuid().nullable(),
  version: z.number().int(),
});
export type IncidentView = z.infer<typeof IncidentView>;

/**
 * The NOC's own workings (escalation, paging, repeats, who did what): not part of what a
 * customer reads about its incident (issue 14). The API leaves them out for customer users.
 */
export const INTERNAL_INCIDENT_FIELDS = [
  "escalationLevel",
  "escalateAt",
  "repeatCount",
  "reopenCount",
  "assigneeId",
  "acknowledgedBy",
  "resolvedBy",
  "routedAt",
  "lastFiredAt",
] as const;

/** The view as a customer user gets it: without INTERNAL_INCIDENT_FIELDS. */
export function forCustomer<T extends IncidentView>(
  v: T,
): Omit<T, (typeof INTERNAL_INCIDENT_FIELDS)[number]> {
  const out: Partial<T> = { ...v };
  for (const k of INTERNAL_INCIDENT_FIELDS) delete out[k];
  return out as Omit<T, (typeof INTERNAL_INCIDENT_FIELDS)[number]>;
}

export const TimelineEntryView = z.object({
  id: z.string().describe("the global change version"),
  at: iso,
  kind: z.string(),
  actorName: z.string(),
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  customerVisible: z.boolean(),
});

export const IncidentMemberView = z.object({
  componentId: z.uuid(),
  componentName: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  firstFiredAt: iso,
  lastFiredAt: iso,
  clearedAt: isoOrNull,
  active: z.boolean(),
});

export const IncidentDetailView = IncidentView.extend({
  timeline: z.array(TimelineEntryView),
  members: z.array(IncidentMemberView).describe("failing first; at most 1,000"),
});

export function toMemberView(m: MemberView): z.infer<typeof IncidentMemberView> {
  return {
    ...m,
    firstFiredAt: m.firstFiredAt.toISOString(),
    lastFiredAt: m.lastFiredAt.toISOString(),
    clearedAt: isoOf(m.clearedAt),
  };
}

const isoOf = (d: Date | null) => (d ? d.toISOString() : null);

export function toIncidentView(r: IncidentEntity, names: Names): IncidentView {
  const contract = names.contracts.get(r.contractId);
  return {
    ...r,
    customerName: contract?.customerName ?? "",
    plan: contract?.plan ?? "",
    componentName: r.componentId ? (names.components.get(r.componentId) ?? null) : null,
    state: r.state as IncidentView["state"],
    scope: r.scope as IncidentView["scope"],
    openedAt: r.openedAt.toISOString(),
    lastFiredAt: r.lastFiredAt.toISOString(),
    routedAt: isoOf(r.routedAt),
    acknowledgedAt: isoOf(r.acknowledgedAt),
    conditionClearedAt: isoOf(r.conditionClearedAt),
    resolvedAt: isoOf(r.resolvedAt),
    escalateAt: isoOf(r.escalateAt),
  };
}

export function toTimelineView(e: IncidentEventEntity): z.infer<typeof TimelineEntryView> {
  return {
    id: e.id,
    at: e.at.toISOString(),
    kind: e.kind,
    actorName: e.actorName,
    note: e.note,
    data: e.data,
    customerVisible: e.customerVisible,
  };
}
