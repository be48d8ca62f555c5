// The NOC board's read model: a few set-based aggregates over contracts, components,
// incidents, quota units, maintenance windows, runbooks and the outbox, merged in memory.
import type { DataSource } from "typeorm";
import { quotaStatus, type QuotaStatus } from "../domain/incidents/quota.js";
import { occurrenceAt, type Recurrence } from "../domain/maintenance/windows.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { DOWN_INCIDENT_SQL, type BoardPolicy, type ComponentHealth } from "./board-policy.js";
import { activeIncidents, type BoardIncident } from "./board-incidents.js";

export interface BoardDeps {
  db: DataSource;
  policy: BoardPolicy;
  quotaPerMonth: number;
  pipeline: () => IngestPipeline | undefined;
}

export interface BoardContract {
  id: string;
  customerName: string;
  plan: string;
  components: Record<ComponentHealth, number> & { total: number };
  incidents: { critical: number; warning: number; info: number; oldestOpenedAt: string | null };
  quota: QuotaStatus;
  capWarnings: number;
  runbookMissing: boolean;
  failedNotifications: number;
  /** Service suspended or restricted by the provider (issue 15); null while served. */
  suspension: { kind: string; reason: string; from: string } | null;
}

export interface Board {
  generatedAt: string;
  month: string;
  /** The change-feed version (latest incident_events id) the realtime client resumes from. */
  version: string;
  contracts: BoardContract[];
  incidents: BoardIncident[];
  /** Active incidents in all, when more than the listed ones. */
  activeIncidents: number;
}

type Row = Record<string, unknown> & { contract_id: string };

export async function loadBoard(deps: BoardDeps, now: Date): Promise<Board> {
  const { db, policy } = deps;
  const month = jstMonthOf(now.getTime());
  const [version] = await db.query<{ v: string }[]>(
    `SELECT COALESCE(MAX(id), 0)::text AS v FROM incident_events`,
  );
  const contracts = await db.query<ContractRow[]>(
    `SELECT id, customer_name, plan, suspended_from, suspension_kind, suspension_reason
     FROM contracts WHERE status = 'active' ORDER BY customer_name, id`,
  );
  const inMaintenance = await maintenanceNow(db, now);
  const [health, incidents, quota, runbooks, failed, capHits, list] = await Promise.all([
    db.query<(Row & { health: ComponentHealth; n: number })[]>(
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
      [
        inMaintenance.contracts,
        inMaintenance.components,
        new Date(now.getTime() - policy.silentAfterMs),
        jstDateOf(now.getTime()),
      ],
    ),
    db.query<(Row & { severity: string; n: number; oldest: Date })[]>(
      `SELECT contract_id, severity, count(*)::int AS n, MIN(opened_at) AS oldest
         FROM incidents WHERE state <> 'resolved' GROUP BY 1, 2`,
    ),
    db.query<(Row & { n: number })[]>(
      `SELECT contract_id, count(*)::int AS n FROM response_quota_units
        WHERE month = $1 AND released_at IS NULL GROUP BY 1`,
      [month],
    ),
    db.query<Row[]>(`SELECT DISTINCT contract_id FROM runbooks WHERE kind = 'incident'`),
    db.query<(Row & { n: number })[]>(
      `SELECT contract_id, count(*)::int AS n FROM outbox_messages
        WHERE state = 'failed' AND contract_id IS NOT NULL AND updated_at >= $1 GROUP BY 1`,
      [new Date(now.getTime() - policy.failedNotificationsWithinMs)],
    ),
    capWarnings(deps, now),
    activeIncidents(db, policy.maxIncidents),
  ]);
  const byContract = new Map(contracts.map((c) => [c.id, emptyRow(c, deps.quotaPerMonth)]));
  for (const r of health) {
    const c = byContract.get(r.contract_id);
    if (!c) continue;
    c.components[r.health] += r.n;
    c.components.total += r.n;
  }
  for (const r of incidents) {
    const c = byContract.get(r.contract_id);
    if (!c) continue;
    const sev = r.severity as "critical" | "warning" | "info";
    if (sev in c.incidents) c.incidents[sev] += r.n;
    const oldest = new Date(r.oldest).toISOString();
    if (!c.incidents.oldestOpenedAt || oldest < c.incidents.oldestOpenedAt)
      c.incidents.oldestOpenedAt = oldest;
  }
  for (const r of quota) {
    const c = byContract.get(r.contract_id);
    if (c) c.quota = quotaStatus(r.n, deps.quotaPerMonth);
  }
  const withRunbook = new Set(runbooks.map((r) => r.contract_id));
  for (const c of byContract.values())
    c.runbookMissing = c.plan !== "entry" && !withRunbook.has(c.id);
  for (const r of failed) {
    const c = byContract.get(r.contract_id);
    if (c) c.failedNotifications = r.n;
  }
  for (const [contractId, n] of capHits) {
    const c = byContract.get(contractId);
    if (c) c.capWarnings = n;
  }
  return {
    generatedAt: now.toISOString(),
    month,
    version: version?.v ?? "0",
    contracts: [...byContract.values()],
    incidents: list.items,
    activeIncidents: list.total,
  };
}

interface ContractRow {
  id: string;
  customer_name: string;
  plan: string;
  suspended_from: Date | null;
  suspension_kind: string | null;
  suspension_reason: string | null;
}

function emptyRow(c: ContractRow, quotaPerMonth: number): BoardContract {
  return {
    id: c.id,
    customerName: c.customer_name,
    plan: c.plan,
    components: { total: 0, up: 0, down: 0, silent: 0, maintenance: 0 },
    incidents: { critical: 0, warning: 0, info: 0, oldestOpenedAt: null },
    quota: quotaStatus(0, quotaPerMonth),
    capWarnings: 0,
    runbookMissing: false,
    failedNotifications: 0,
    suspension: c.suspended_from
      ? {
          kind: c.suspension_kind ?? "suspension",
          reason: c.suspension_reason ?? "",
          from: new Date(c.suspended_from).toISOString(),
        }
      : null,
  };
}

/** Contract-wide and per-component windows covering `now` (recurrence checked in memory). */
async function maintenanceNow(db: DataSource, now: Date) {
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
    [now],
  );
  const contracts: string[] = [];
  const components: string[] = [];
  for (const r of rows) {
    const window = {
      id: "",
      contractId: r.contract_id,
      componentId: r.component_id,
      startsAtMs: new Date(r.starts_at).getTime(),
      endsAtMs: new Date(r.ends_at).getTime(),
      recurrence: r.recurrence as Recurrence,
      untilMs: r.until ? new Date(r.until).getTime() : null,
    };
    if (!occurrenceAt(window, now.getTime())) continue;
    if (r.component_id) components.push(r.component_id);
    else contracts.push(r.contract_id);
  }
  return { contracts, components };
}

/** Components at or near their cap now (collector memory) or that hit it recently (audit). */
async function capWarnings(deps: BoardDeps, now: Date): Promise<Map<string, number>> {
  const ids = new Set<string>();
  for (const c of deps.pipeline()?.components() ?? []) {
    if (c.cap > 0 && c.active >= c.cap * deps.policy.capWarnRatio) ids.add(c.id);
  }
  const recent = await deps.db.query<{ id: string }[]>(
    `SELECT DISTINCT entity_id AS id FROM audit_log WHERE action = 'component.cap_reached' AND at >= $1`,
    [new Date(now.getTime() - deps.policy.capEventsWithinMs)],
  );
  for (const r of recent) ids.add(r.id);
  const out = new Map<string, number>();
  if (ids.size === 0) return out;
  const rows = await deps.db.query<{ contract_id: string; n: number }[]>(
    `SELECT contract_id, count(*)::int AS n FROM components WHERE id::text = ANY($1::text[]) GROUP BY 1`,
    [[...ids]],
  );
  for (const r of rows) out.set(r.contract_id, r.n);
  return out;
}
