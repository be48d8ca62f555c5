// The NOC board's reads: a few set-based aggregates (GROUP BY per contract), so 10,000
// components cost milliseconds, not a query each. board-query.ts merges them.
import type { DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { getComponent } from "../contracts/scoped.js";
import type { ComponentEntity } from "../db/entities/index.js";
import type { MaintenanceWindow, Recurrence } from "../domain/maintenance/windows.js";
import { toBoardIncident, type BoardIncident, type IncidentRow } from "./board-incidents.js";
import { DOWN_INCIDENT_SQL, type ComponentHealth } from "./board-policy.js";

export interface BoardContractRow {
  id: string;
  customerName: string;
  plan: string;
  suspendedFrom: Date | null;
  suspensionKind: string | null;
  suspensionReason: string | null;
}
export type PerContract<T = object> = T & { contractId: string; n: number };

export interface BoardStore {
  /** The change-feed version: the latest incident_events id ("0" when none). */
  version(): Promise<string>;
  /** Active contracts by customer name. */
  activeContracts(): Promise<BoardContractRow[]>;
  /** Windows that may run at `at`; the caller checks recurrence. */
  maintenanceCandidates(at: Date): Promise<MaintenanceWindow[]>;
  /** Billed components per contract and health: in maintenance, else down, else silent. */
  componentHealth(q: {
    maintenanceContracts: string[];
    maintenanceComponents: string[];
    silentBefore: Date;
    /** JST date: components whose billing ended before it are gone. */
    today: string;
  }): Promise<PerContract<{ health: ComponentHealth }>[]>;
  /** Unresolved incidents per contract and severity, with the oldest one's opening. */
  openIncidents(): Promise<PerContract<{ severity: string; oldest: Date }>[]>;
  /** Response-quota units taken in the JST month and not released. */
  quotaUnits(month: string): Promise<PerContract[]>;
  contractsWithIncidentRunbook(): Promise<string[]>;
  failedNotifications(since: Date): Promise<PerContract[]>;
  componentsCapReachedSince(since: Date): Promise<string[]>;
  componentsPerContract(componentIds: readonly string[]): Promise<PerContract[]>;
  /** Newest first; `total` counts every active incident, listed or not. */
  activeIncidents(limit: number): Promise<{ items: BoardIncident[]; total: number }>;
  /** The component if `scope` may see it ("not found" otherwise). */
  component(scope: ContractScope, id: string): Promise<ComponentEntity>;
  capUsage(componentId: string): Promise<{ storedSeries: number; lastCapReachedAt: Date | null }>;
}

type Row = { contract_id: string; n: number };
const perContract = <T extends Row>(rows: T[]) =>
  rows.map(({ contract_id, ...rest }) => ({ ...rest, contractId: contract_id }));

export function createBoardStore(db: DataSource): BoardStore {
  return {
    version: async () => {
      const [row] = await db.query<{ v: string }[]>(
        `SELECT COALESCE(MAX(id), 0)::text AS v FROM incident_events`,
      );
      return row?.v ?? "0";
    },
    activeContracts: async () => {
      const rows = await db.query<
        {
          id: string;
          customer_name: string;
          plan: string;
          suspended_from: Date | null;
          suspension_kind: string | null;
          suspension_reason: string | null;
        }[]
      >(
        `SELECT id, customer_name, plan, suspended_from, suspension_kind, suspension_reason
         FROM contracts WHERE status = 'active' ORDER BY customer_name, id`,
      );
      return rows.map((c) => ({
        id: c.id,
        customerName: c.customer_name,
        plan: c.plan,
        suspendedFrom: c.suspended_from && new Date(c.suspended_from),
        suspensionKind: c.suspension_kind,
        suspensionReason: c.suspension_reason,
      }));
    },
    maintenanceCandidates: async (at) => {
      const rows = await db.query<
        {
          contract_id: string;
          component_id: string | null;
          starts_at: Date;
          ends_at: Date;
          recurrence: string;
          until: Date | null;
        }[]
      >(
        `SELECT contract_id, component_id, starts_at, ends_at, recurrence, until FROM maintenance_windows
          WHERE starts_at <= $1 AND (ends_at > $1 OR (recurrence <> 'none' AND (until IS NULL OR until >= $1 - interval '31 days')))`,
        [at],
      );
      return rows.map((r) => ({
        id: "",
        contractId: r.contract_id,
        componentId: r.component_id,
        startsAtMs: new Date(r.starts_at).getTime(),
        endsAtMs: new Date(r.ends_at).getTime(),
        recurrence: r.recurrence as Recurrence,
        untilMs: r.until ? new Date(r.until).getTime() : null,
      }));
    },
    componentHealth: async (q) =>
      perContract(
        await db.query<(Row & { health: ComponentHealth })[]>(
          `SELECT c.contract_id,
             CASE WHEN c.contract_id = ANY($1::uuid[]) OR c.id = ANY($2::uuid[]) THEN 'maintenance'
                  WHEN EXISTS (SELECT 1 FROM incidents i WHERE i.component_id = c.id AND i.state <> 'resolved'
                               AND NOT i.suppressed AND ${DOWN_INCIDENT_SQL}) THEN 'down'
                  WHEN c.last_seen_at IS NULL OR c.last_seen_at < $3 THEN 'silent'
                  ELSE 'up' END AS health,
             count(*)::int AS n
           FROM components c
           WHERE c.active_until IS NULL OR c.active_until >= $4::date
           GROUP BY 1, 2`,
          [q.maintenanceContracts, q.maintenanceComponents, q.silentBefore, q.today],
        ),
      ),
    openIncidents: async () =>
      perContract(
        await db.query<(Row & { severity: string; oldest: Date })[]>(
          `SELECT contract_id, severity, count(*)::int AS n, MIN(opened_at) AS oldest
             FROM incidents WHERE state <> 'resolved' GROUP BY 1, 2`,
        ),
      ).map((r) => ({ ...r, oldest: new Date(r.oldest) })),
    quotaUnits: async (month) =>
      perContract(
        await db.query<Row[]>(
          `SELECT contract_id, count(*)::int AS n FROM response_quota_units
            WHERE month = $1 AND released_at IS NULL GROUP BY 1`,
          [month],
        ),
      ),
    contractsWithIncidentRunbook: async () =>
      (
        await db.query<{ contract_id: string }[]>(
          `SELECT DISTINCT contract_id FROM runbooks WHERE kind = 'incident'`,
        )
      ).map((r) => r.contract_id),
    failedNotifications: async (since) =>
      perContract(
        await db.query<Row[]>(
          `SELECT contract_id, count(*)::int AS n FROM outbox_messages
            WHERE state = 'failed' AND contract_id IS NOT NULL AND updated_at >= $1 GROUP BY 1`,
          [since],
        ),
      ),
    componentsCapReachedSince: async (since) =>
      (
        await db.query<{ id: string }[]>(
          `SELECT DISTINCT entity_id AS id FROM audit_log WHERE action = 'component.cap_reached' AND at >= $1`,
          [since],
        )
      ).map((r) => r.id),
    componentsPerContract: async (ids) =>
      ids.length === 0
        ? []
        : perContract(
            await db.query<Row[]>(
              `SELECT contract_id, count(*)::int AS n FROM components WHERE id::text = ANY($1::text[]) GROUP BY 1`,
              [[...ids]],
            ),
          ),
    activeIncidents: async (limit) => {
      const rows = await db.query<(IncidentRow & { total: number })[]>(
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
    },
    component: (scope, id) => getComponent(db.manager, scope, id),
    capUsage: async (componentId) => {
      const [row] = await db.query<{ stored: number; reached: Date | null }[]>(
        `SELECT (SELECT count(*)::int FROM metric_series WHERE component_id = $1) AS stored,
                (SELECT MAX(at) FROM audit_log WHERE action = 'component.cap_reached' AND entity_id = $1::text) AS reached`,
        [componentId],
      );
      return {
        storedSeries: row?.stored ?? 0,
        lastCapReachedAt: row?.reached ? new Date(row.reached) : null,
      };
    },
  };
}
