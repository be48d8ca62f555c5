// The board's live list: active incidents in the shape of the realtime `incident` payload,
// so a socket delta and a board row are the same object on the client.
import type { DataSource } from "typeorm";
import type { IncidentDelta } from "../realtime/messages.js";

export type BoardIncident = IncidentDelta;

interface Row {
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
  total: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Newest first; `total` counts every active incident, listed or not. */
export async function activeIncidents(
  db: DataSource,
  limit: number,
): Promise<{ items: BoardIncident[]; total: number }> {
  const rows = await db.query<Row[]>(
    `SELECT i.id, i.contract_id, i.component_id, c.name AS component_name, i.state, i.severity,
            i.tier, i.overage, i.suppressed, i.runbook_missing, i.opened_at, i.acknowledged_at,
            i.resolved_at, i.escalation_level, i.assignee_id, i.repeat_count, i.member_count,
            i.members_total, i.scope, i.rule_name,
            i.value, i.threshold, count(*) OVER ()::int AS total
       FROM incidents i LEFT JOIN components c ON c.id = i.component_id
      WHERE i.state <> 'resolved'
      ORDER BY i.opened_at DESC, i.id
      LIMIT $1`,
    [limit],
  );
  return { items: rows.map(toBoardIncident), total: rows[0]?.total ?? 0 };
}

function toBoardIncident(r: Row): BoardIncident {
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
