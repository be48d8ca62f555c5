// The board's live list: active incidents in the shape of the realtime `incident` payload,
// so a socket delta and a board row are the same object on the client.
import type { IncidentDelta } from "../realtime/messages.js";

export type BoardIncident = IncidentDelta;

/** An incidents row joined with its component name (board.store.ts). */
export interface IncidentRow {
  id: string;
  contract_id: string;
  component_id: string | null;
  component_name: string | null;
  state: string;
  severity: string;
  tier: string | null;
  overage: boolean;
  suppressed: boolean;
  runbook_missing: boolean;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  escalation_level: number;
  assignee_id: string | null;
  repeat_count: number;
  member_count: number;
  members_total: number;
  scope: string;
  rule_name: string;
  value: number | null;
  threshold: number | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toBoardIncident(r: IncidentRow): BoardIncident {
  return {
    id: r.id,
    contractId: r.contract_id,
    componentId: r.component_id,
    componentName: r.component_name,
    state: r.state,
    severity: r.severity,
    tier: r.tier,
    overage: r.overage,
    suppressed: r.suppressed,
    runbookMissing: r.runbook_missing,
    openedAt: iso(r.opened_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    escalationLevel: r.escalation_level,
    assigneeId: r.assignee_id,
    repeatCount: r.repeat_count,
    memberCount: r.member_count,
    membersTotal: r.members_total,
    scope: r.scope,
    ruleName: r.rule_name,
    value: r.value,
    threshold: r.threshold,
  };
}
