// The NOC board's read model: a few set-based aggregates over contracts, components,
// incidents, quota units, maintenance windows, runbooks and the outbox (board.store.ts),
// merged here in memory.
import { quotaStatus, type QuotaStatus } from "../domain/incidents/quota.js";
import { occurrenceAt } from "../domain/maintenance/windows.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { BoardIncident } from "./board-incidents.js";
import type { BoardPolicy, ComponentHealth } from "./board-policy.js";
import type { BoardContractRow, BoardStore } from "./board.store.js";

export interface BoardDeps {
  board: BoardStore;
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

export async function loadBoard(deps: BoardDeps, now: Date): Promise<Board> {
  const { board, policy } = deps;
  const month = jstMonthOf(now.getTime());
  const version = await board.version();
  const contracts = await board.activeContracts();
  const inMaintenance = await maintenanceNow(board, now);
  const [health, incidents, quota, runbooks, failed, capHits, list] = await Promise.all([
    board.componentHealth({
      maintenanceContracts: inMaintenance.contracts,
      maintenanceComponents: inMaintenance.components,
      silentBefore: new Date(now.getTime() - policy.silentAfterMs),
      today: jstDateOf(now.getTime()),
    }),
    board.openIncidents(),
    board.quotaUnits(month),
    board.contractsWithIncidentRunbook(),
    board.failedNotifications(new Date(now.getTime() - policy.failedNotificationsWithinMs)),
    capWarnings(deps, now),
    board.activeIncidents(policy.maxIncidents),
  ]);
  const byContract = new Map(contracts.map((c) => [c.id, emptyRow(c, deps.quotaPerMonth)]));
  for (const r of health) {
    const c = byContract.get(r.contractId);
    if (!c) continue;
    c.components[r.health] += r.n;
    c.components.total += r.n;
  }
  for (const r of incidents) {
    const c = byContract.get(r.contractId);
    if (!c) continue;
    const sev = r.severity as "critical" | "warning" | "info";
    if (sev in c.incidents) c.incidents[sev] += r.n;
    const oldest = r.oldest.toISOString();
    if (!c.incidents.oldestOpenedAt || oldest < c.incidents.oldestOpenedAt)
      c.incidents.oldestOpenedAt = oldest;
  }
  for (const r of quota) {
    const c = byContract.get(r.contractId);
    if (c) c.quota = quotaStatus(r.n, deps.quotaPerMonth);
  }
  const withRunbook = new Set(runbooks);
  for (const c of byContract.values())
    c.runbookMissing = c.plan !== "entry" && !withRunbook.has(c.id);
  for (const r of failed) {
    const c = byContract.get(r.contractId);
    if (c) c.failedNotifications = r.n;
  }
  for (const [contractId, n] of capHits) {
    const c = byContract.get(contractId);
    if (c) c.capWarnings = n;
  }
  return {
    generatedAt: now.toISOString(),
    month,
    version,
    contracts: [...byContract.values()],
    incidents: list.items,
    activeIncidents: list.total,
  };
}

function emptyRow(c: BoardContractRow, quotaPerMonth: number): BoardContract {
  return {
    id: c.id,
    customerName: c.customerName,
    plan: c.plan,
    components: { total: 0, up: 0, down: 0, silent: 0, maintenance: 0 },
    incidents: { critical: 0, warning: 0, info: 0, oldestOpenedAt: null },
    quota: quotaStatus(0, quotaPerMonth),
    capWarnings: 0,
    runbookMissing: false,
    failedNotifications: 0,
    suspension: c.suspendedFrom
      ? {
          kind: c.suspensionKind ?? "suspension",
          reason: c.suspensionReason ?? "",
          from: c.suspendedFrom.toISOString(),
        }
      : null,
  };
}

/** Contract-wide and per-component windows covering `now` (recurrence checked in memory). */
async function maintenanceNow(board: BoardStore, now: Date) {
  const contracts: string[] = [];
  const components: string[] = [];
  for (const window of await board.maintenanceCandidates(now)) {
    if (!occurrenceAt(window, now.getTime())) continue;
    if (window.componentId) components.push(window.componentId);
    else contracts.push(window.contractId);
  }
  return { contracts, components };
}

/** Components at or near their cap now (collector memory) or that hit it recently (audit). */
async function capWarnings(deps: BoardDeps, now: Date): Promise<Map<string, number>> {
  const ids = new Set<string>();
  for (const c of deps.pipeline()?.components() ?? []) {
    if (c.cap > 0 && c.active >= c.cap * deps.policy.capWarnRatio) ids.add(c.id);
  }
  const since = new Date(now.getTime() - deps.policy.capEventsWithinMs);
  for (const id of await deps.board.componentsCapReachedSince(since)) ids.add(id);
  const out = new Map<string, number>();
  if (ids.size === 0) return out;
  for (const r of await deps.board.componentsPerContract([...ids])) out.set(r.contractId, r.n);
  return out;
}
