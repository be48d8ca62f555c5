// What the rule engine's alerts do to incidents (SPEC 4): a fire opens an incident, joins
// the unresolved one of its key as a repeat, or reopens one resolved within the reopen
// window; a clear auto-resolves. New incidents inside a maintenance window are recorded
// but not routed until the window ends (incident-timers.ts).
import { IsNull, Not, type EntityManager } from "typeorm";
import { IncidentEntity, OutageEntity } from "../db/entities/index.js";
import { maintenanceAt } from "../maintenance/maintenance-store.js";
import type { Alert, AlertKey } from "./alerts.js";
import { incidentTx, type Changes, type IncidentDeps } from "./incident-tx.js";
import { lockLatestOfKey, lockUnresolved } from "./incident-store.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman, routeIncidentNow } from "./route-incident.js";
import { proposeOutageIfAllSilent } from "./outage-proposal.js";
import { appendTimeline } from "./timeline.js";

const ENGINE = "rule engine";

export async function processFire(deps: IncidentDeps, alert: Alert): Promise<void> {
  // Two transactions: the incident commits (and reaches the sockets) first, routing follows
  // at once. A crash in between leaves it unrouted; the timers route it (incident-timers.ts).
  const opened = await incidentTx(deps, (m, changes) => openOrJoin(m, deps, alert, changes));
  if (!opened) return;
  // Not rethrown: the caller retries failed alerts, and re-running the open would count a
  // repeat. A failed routing is the crash case, which the timers already recover.
  await routeOpened(deps, opened, alert).catch(() => undefined);
}

function routeOpened(deps: IncidentDeps, opened: IncidentEntity, alert: Alert): Promise<void> {
  return incidentTx(deps, async (m, changes) => {
    const incident = await m.findOne(IncidentEntity, {
      where: { id: opened.id, routedAt: IsNull(), suppressed: false, state: Not("resolved") },
      lock: { mode: "pessimistic_write" },
    });
    if (!incident) return;
    const at = new Date(alert.atMs);
    await routeIncidentNow(m, deps, incident, at, changes);
    if (alert.ruleKind === "absence_component") {
      await proposeOutageIfAllSilent(m, deps, incident, at, changes);
    }
  });
}

/** Opens, joins or reopens; returns a new incident that still needs routing. */
async function openOrJoin(
  m: EntityManager,
  deps: IncidentDeps,
  alert: Alert,
  changes: Changes,
): Promise<IncidentEntity | null> {
  const at = new Date(alert.atMs);
  const since = new Date(alert.atMs - deps.settings.reopenWindowMs);
  const known = await lockLatestOfKey(m, alert, since);
  if (known?.state === "resolved") {
    return reopenOnFire(m, deps, known, alert, at, changes).then(() => null);
  }
  if (known) return repeat(m, deps, known, alert, at, changes).then(() => null);
  if (!(await isMonitored(m, alert))) return null;
  const incident = await m.save(IncidentEntity, newIncident(alert, at));
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "opened",
      at,
      actor: ENGINE,
      data: { value: alert.value, threshold: alert.threshold, labels: alert.labels },
    }),
  );
  const window = await maintenanceAt(m, incident.contractId, incident.componentId, at);
  if (!window) return incident;
  incident.suppressed = true;
  await m.save(IncidentEntity, incident);
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "note",
      at,
      actor: ENGINE,
      note: `opened during maintenance (until ${window.endsAt.toISOString()}): not paged or e-mailed`,
      data: { maintenanceWindowId: window.windowId },
    }),
  );
  if (alert.ruleKind === "absence_component") {
    await proposeOutageIfAllSilent(m, deps, incident, at, changes);
  }
  return null;
}

export async function processClear(deps: IncidentDeps, key: AlertKey, atMs: number): Promise<void> {
  await incidentTx(deps, async (m, changes) => {
    const incident = await lockUnresolved(m, key);
    if (!incident) return;
    const at = new Date(atMs);
    Object.assign(incident, {
      state: "resolved",
      conditionClearedAt: at,
      resolvedAt: at,
      resolution: "auto",
      escalateAt: null,
      version: incident.version + 1,
    });
    await m.save(IncidentEntity, incident);
    await restoreOutage(m, incident, at);
    changes.push(
      await appendTimeline(m, deps.hub, incident, {
        kind: "resolved",
        at,
        actor: ENGINE,
        note: "condition cleared",
        data: { auto: true },
      }),
    );
  });
}

/** An outage revealed by the incident is restored when the incident resolves. */
export async function restoreOutage(m: EntityManager, incident: IncidentEntity, at: Date) {
  if (!incident.outageId) return;
  await m
    .createQueryBuilder()
    .update(OutageEntity)
    .set({ restoredAt: at })
    .where("id = :id AND restored_at IS NULL", { id: incident.outageId })
    .execute();
}

async function repeat(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  alert: Alert,
  at: Date,
  changes: Changes,
): Promise<void> {
  Object.assign(incident, {
    repeatCount: incident.repeatCount + 1,
    lastFiredAt: at,
    value: alert.value,
    version: incident.version + 1,
  });
  await m.save(IncidentEntity, incident);
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "repeated",
      at,
      actor: ENGINE,
      data: { value: alert.value, repeatCount: incident.repeatCount },
      customerVisible: false,
    }),
  );
}

async function reopenOnFire(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  alert: Alert,
  at: Date,
  changes: Changes,
): Promise<void> {
  // Inside a maintenance window the reopened incident is held like a new one: not paged or
  // e-mailed, routed again at the window's end only if still failing (incident-timers.ts).
  const window = await maintenanceAt(m, incident.contractId, incident.componentId, at);
  Object.assign(incident, reopenedFields(incident, at), {
    value: alert.value,
    ...(window ? { suppressed: true, routedAt: null } : {}),
  });
  await m.save(IncidentEntity, incident);
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "reopened",
      at,
      actor: ENGINE,
      note: window
        ? `the condition returned during maintenance (until ${window.endsAt.toISOString()}): held`
        : "the condition returned within the reopen window",
      data: { value: alert.value, reopenCount: incident.reopenCount },
    }),
  );
  // Already counted against the quota: a reopen pages again but takes no new unit.
  if (needsHuman(incident.tier) && !incident.suppressed) {
    await pageLevel(m, deps, incident, 0, at, changes, ENGINE);
  }
}

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

/** Terminated contracts and components of another contract raise nothing. */
async function isMonitored(m: EntityManager, alert: Alert): Promise<boolean> {
  const rows = await m.query<unknown[]>(
    `SELECT 1 FROM components k JOIN contracts c ON c.id = k.contract_id
     WHERE k.id = $1 AND c.id = $2 AND c.status = 'active'`,
    [alert.componentId, alert.contractId],
  );
  return rows.length > 0;
}

function newIncident(alert: Alert, at: Date): Partial<IncidentEntity> {
  return {
    contractId: alert.contractId,
    componentId: alert.componentId,
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    ruleKind: alert.ruleKind,
    labelsKey: alert.labelsKey,
    labels: alert.labels,
    metric: alert.metric,
    severity: alert.severity,
    state: "open",
    value: alert.value,
    threshold: alert.threshold,
    openedAt: at,
    lastFiredAt: at,
  };
}
