// Applies a batch of queued alerts to incidents in one transaction (decision 0014): reads
// the keys' memberships and the contracts' open incidents in a few set-based queries, lets
// the pure decision (domain/incidents/alert-decision) say what happens, and writes it back.
// New incidents are routed afterwards, each in its own short transaction: the incident
// reaches the sockets first, and a crash in between is recovered by the timers.
import { randomUUID } from "node:crypto";
import { IsNull, Not, type EntityManager } from "typeorm";
import { IncidentEntity, MaintenanceWindowEntity, OutageEntity } from "../db/entities/index.js";
import {
  decideAlerts,
  keyString,
  type Effect,
  type GroupPolicy,
  type IncidentSnapshot,
} from "../domain/incidents/alert-decision.js";
import { activeWindow } from "../domain/maintenance/windows.js";
import { jstDateOf } from "../domain/time/jst.js";
import { toWindow } from "../maintenance/maintenance-store.js";
import type { AlertKey } from "./alerts.js";
import type { QueuedAlert } from "./alert-queue.js";
import { incidentTx, type Changes, type IncidentDeps } from "./incident-tx.js";
import {
  activeComponentsOf,
  clearMembers,
  groupCandidates,
  insertMembers,
  latestMemberships,
  lockIncidents,
  monitoredComponents,
  touchMembers,
  type MemberWrite,
} from "./incident-store.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman, routeIncidentNow } from "./route-incident.js";
import { appendTimeline } from "./timeline.js";

const ENGINE = "rule engine";

/** Applies the batch; returns the incidents it opened that now need routing. */
export function applyAlertBatch(
  deps: IncidentDeps,
  batch: readonly QueuedAlert[],
): Promise<IncidentEntity[]> {
  return incidentTx(deps, async (m, changes) => {
    const keys = batch.map((b) => b.key);
    const membership = await latestMemberships(m, keys);
    const firing = batch.filter(
      (b) => b.contractId !== null && b.ops.some((o) => o.kind === "fire"),
    );
    const groups = await groupCandidates(
      m,
      unique(firing.map((b) => ({ contractId: b.contractId!, ruleId: b.key.ruleId }))),
    );
    const ids = [
      ...new Set([...[...membership.values()].map((x) => x.incidentId), ...groups.values()]),
    ];
    const locked = await lockIncidents(m, ids);
    const candidates = firing.filter((b) => membership.get(keyString(b.key))?.active !== true);
    const monitored = await monitoredComponents(
      m,
      candidates.map((b) => b.key.componentId),
    );
    const effects = decideAlerts({
      pending: batch.map((b) => ({ key: b.key, contractId: b.contractId ?? "", ops: b.ops })),
      incidents: new Map([...locked].map(([id, i]) => [id, snapshotOf(i)])),
      membership,
      groups,
      monitored: (contractId, componentId) => monitored.has(`${contractId}|${componentId}`),
      policy: groupPolicy(deps),
      newId: randomUUID,
    });
    return applyEffects(m, deps, batch, locked, effects, changes);
  });
}

function groupPolicy(deps: IncidentDeps): GroupPolicy {
  return {
    reopenWindowMs: deps.settings.reopenWindowMs,
    groupWindowMs: deps.settings.groupWindowMs,
    groupMinMembers: deps.settings.groupMinMembers,
  };
}

function snapshotOf(i: IncidentEntity): IncidentSnapshot {
  return {
    id: i.id,
    contractId: i.contractId,
    ruleId: i.ruleId ?? "",
    state: i.state as IncidentSnapshot["state"],
    resolution: i.resolution,
    resolvedAtMs: i.resolvedAt?.getTime() ?? null,
    openedAtMs: i.openedAt.getTime(),
    activeMembers: i.memberCount,
    membersTotal: i.membersTotal,
  };
}

interface Tally {
  joined: number;
  rejoined: number;
  left: number;
  repeats: number;
  lastValue: number | null;
}

async function applyEffects(
  m: EntityManager,
  deps: IncidentDeps,
  batch: readonly QueuedAlert[],
  locked: Map<string, IncidentEntity>,
  effects: readonly Effect[],
  changes: Changes,
): Promise<IncidentEntity[]> {
  const byKey = new Map(batch.map((b) => [keyString(b.key), b]));
  const incidents = new Map(locked);
  const opened: IncidentEntity[] = [];
  const inserts: MemberWrite[] = [];
  const touches: { incidentId: string; key: AlertKey; value: number | null; atMs: number }[] = [];
  const clears: { incidentId: string; key: AlertKey; atMs: number }[] = [];
  for (const e of effects) {
    if (e.kind !== "open") continue;
    const q = byKey.get(keyString(e.key))!;
    const row = m.create(IncidentEntity, newIncident(e, q));
    opened.push(row);
    incidents.set(row.id, row);
  }
  if (opened.length > 0) await m.insert(IncidentEntity, opened);
  const windows = await maintenanceOf(m, opened.concat([...locked.values()]), deps.clock.now());
  const tallies = new Map<string, Tally>();
  const tally = (id: string) => {
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { joined: 0, rejoined: 0, left: 0, repeats: 0, lastValue: null }));
    return t;
  };
  for (const e of effects) {
    const incident = incidents.get(e.incidentId)!;
    const labels = byKey.get(keyString(e.key))?.alert?.labels ?? {};
    switch (e.kind) {
      case "open":
        inserts.push({
          incidentId: e.incidentId,
          contractId: e.contractId,
          key: e.key,
          labels,
          value: e.value,
          atMs: e.atMs,
        });
        await recordOpened(m, deps, incident, windows, changes);
        break;
      case "join":
        inserts.push({
          incidentId: e.incidentId,
          contractId: incident.contractId,
          key: e.key,
          labels,
          value: e.value,
          atMs: e.atMs,
        });
        incident.memberCount++;
        incident.membersTotal++;
        tally(e.incidentId).joined++;
        break;
      case "rejoin":
        touches.push(e);
        incident.memberCount++;
        tally(e.incidentId).rejoined++;
        break;
      case "repeat": {
        touches.push(e);
        const t = tally(e.incidentId);
        t.repeats += e.repeats;
        t.lastValue = e.value;
        if (e.atMs > incident.lastFiredAt.getTime()) incident.lastFiredAt = new Date(e.atMs);
        break;
      }
      case "reopen":
        touches.push(e);
        await reopenOnFire(m, deps, incident, e.value, new Date(e.atMs), windows, changes);
        break;
      case "leave":
        clears.push(e);
        incident.memberCount = Math.max(0, incident.memberCount - 1);
        tally(e.incidentId).left++;
        break;
      case "resolve":
        clears.push(e);
        await autoResolve(m, deps, incident, new Date(e.atMs), changes);
        break;
    }
  }
  await insertMembers(m, inserts);
  await touchMembers(m, touches);
  await clearMembers(m, clears);
  const at = deps.clock.now();
  for (const [id, t] of tallies) await recordTally(m, deps, incidents.get(id)!, t, at, changes);
  // Incidents that opened or gained members this batch (ids: an opened one may also have joins).
  for (const id of new Set([...opened.map((i) => i.id), ...tallies.keys()])) {
    const incident = incidents.get(id)!;
    if (incident.ruleKind === "absence_component" && incident.state !== "resolved") {
      await markContractUnreachable(m, deps, incident, at, changes);
    }
  }
  return opened.filter((i) => !i.suppressed && i.state !== "resolved");
}

function newIncident(
  e: Extract<Effect, { kind: "open" }>,
  q: QueuedAlert,
): Partial<IncidentEntity> {
  const a = q.alert!;
  const at = new Date(e.atMs);
  return {
    id: e.incidentId,
    contractId: e.contractId,
    componentId: e.key.componentId,
    ruleId: e.key.ruleId,
    ruleName: a.ruleName,
    ruleKind: a.ruleKind,
    labelsKey: e.key.labelsKey,
    labels: a.labels,
    metric: a.metric,
    severity: a.severity,
    state: "open",
    value: e.value,
    threshold: a.threshold,
    openedAt: at,
    lastFiredAt: at,
    memberCount: 1,
    membersTotal: 1,
    scope: "component",
    // Every column set: the row's in-memory state is what listeners see (no reload).
    tier: null,
    runbookMissing: false,
    suppressed: false,
    countsQuota: false,
    overage: false,
    repeatCount: 1,
    routedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    conditionClearedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    resolveNote: null,
    reopenCount: 0,
    escalationLevel: 0,
    escalateAt: null,
    assigneeId: null,
    outageId: null,
    version: 1,
  };
}

type Windows = (incident: IncidentEntity, at: Date) => { windowId: string; endsAt: Date } | null;

/** The maintenance windows of the batch's contracts, read once, asked in memory. */
async function maintenanceOf(
  m: EntityManager,
  incidents: readonly IncidentEntity[],
  now: Date,
): Promise<Windows> {
  const contracts = [...new Set(incidents.map((i) => i.contractId))];
  if (contracts.length === 0) return () => null;
  const rows = await m
    .createQueryBuilder(MaintenanceWindowEntity, "w")
    .where("w.contractId IN (:...contracts)", { contracts })
    .andWhere("(w.recurrence <> 'none' OR w.endsAt > :since)", {
      since: new Date(now.getTime() - 86_400_000),
    })
    .getMany();
  const windows = rows.map(toWindow);
  return (incident, at) => {
    const found = activeWindow(
      windows.filter((w) => w.contractId === incident.contractId),
      incident.componentId,
      at.getTime(),
    );
    return found && { windowId: found.window.id, endsAt: new Date(found.endMs) };
  };
}

async function recordOpened(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  windows: Windows,
  changes: Changes,
): Promise<void> {
  const at = incident.openedAt;
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "opened",
      at,
      actor: ENGINE,
      data: { value: incident.value, threshold: incident.threshold, labels: incident.labels },
    }),
  );
  const window = windows(incident, at);
  if (!window) return;
  incident.suppressed = true;
  await m.update(IncidentEntity, incident.id, { suppressed: true });
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "note",
      at,
      actor: ENGINE,
      note: `opened during maintenance (until ${window.endsAt.toISOString()}): not paged or e-mailed`,
      data: { maintenanceWindowId: window.windowId },
    }),
  );
}

/** Members joined, came back or left, and repeats: one timeline entry each per batch. */
async function recordTally(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  t: Tally,
  at: Date,
  changes: Changes,
): Promise<void> {
  if (incident.state === "resolved" && t.joined + t.rejoined === 0 && t.repeats === 0) {
    await m.update(IncidentEntity, incident.id, { memberCount: incident.memberCount });
    return;
  }
  incident.repeatCount += t.repeats;
  if (t.lastValue !== null) incident.value = t.lastValue;
  incident.version += 1;
  await m.update(IncidentEntity, incident.id, {
    memberCount: incident.memberCount,
    membersTotal: incident.membersTotal,
    repeatCount: incident.repeatCount,
    lastFiredAt: incident.lastFiredAt,
    value: incident.value,
    version: incident.version,
  });
  if (t.joined + t.rejoined + t.left > 0) {
    changes.push(
      await appendTimeline(m, deps.hub, incident, {
        kind: "members_changed",
        at,
        actor: ENGINE,
        data: {
          joined: t.joined,
          rejoined: t.rejoined,
          left: t.left,
          active: incident.memberCount,
          total: incident.membersTotal,
        },
      }),
    );
  }
  if (t.repeats > 0) {
    changes.push(
      await appendTimeline(m, deps.hub, incident, {
        kind: "repeated",
        at,
        actor: ENGINE,
        data: { value: incident.value, repeatCount: incident.repeatCount, repeats: t.repeats },
        customerVisible: false,
      }),
    );
  }
}

async function autoResolve(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  at: Date,
  changes: Changes,
): Promise<void> {
  Object.assign(incident, {
    state: "resolved",
    conditionClearedAt: at,
    resolvedAt: at,
    resolution: "auto",
    escalateAt: null,
    memberCount: 0,
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

async function reopenOnFire(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  value: number | null,
  at: Date,
  windows: Windows,
  changes: Changes,
): Promise<void> {
  // Inside a maintenance window the reopened incident is held like a new one: not paged or
  // e-mailed, routed again at the window's end only if still failing (incident-timers.ts).
  const window = windows(incident, at);
  Object.assign(incident, reopenedFields(incident, at), {
    value,
    memberCount: 1,
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
      data: { value, reopenCount: incident.reopenCount },
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

/**
 * Most of a contract's components silent in one incident: the contract is unreachable, and
 * the NOC is asked once whether to declare an outage (not once per silent component).
 */
async function markContractUnreachable(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  at: Date,
  changes: Changes,
): Promise<void> {
  if (incident.scope === "contract") return;
  const [row] = await m.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM components
      WHERE contract_id = $1 AND active_from <= $2::date AND (active_until IS NULL OR active_until >= $2::date)`,
    [incident.contractId, jstDateOf(at.getTime())],
  );
  const total = row?.n ?? 0;
  const silent = await activeComponentsOf(m, incident.id);
  if (total === 0 || silent / total <= deps.settings.unreachableRatio) return;
  incident.scope = "contract";
  incident.version += 1;
  await m.update(IncidentEntity, incident.id, { scope: "contract", version: incident.version });
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "outage_proposed",
      at,
      actor: ENGINE,
      note: `contract unreachable: ${silent} of ${total} components are silent: declare an outage?`,
      data: { components: total, silent },
      customerVisible: false,
    }),
  );
}

/** Routes an incident the batch opened (its own transaction, after the batch committed). */
export function routeOpened(deps: IncidentDeps, opened: IncidentEntity): Promise<void> {
  return incidentTx(deps, async (m, changes) => {
    const incident = await m.findOne(IncidentEntity, {
      where: { id: opened.id, routedAt: IsNull(), suppressed: false, state: Not("resolved") },
      lock: { mode: "pessimistic_write" },
    });
    if (!incident) return;
    await routeIncidentNow(m, deps, incident, incident.openedAt, changes);
  });
}

function unique<T extends { contractId: string; ruleId: string }>(xs: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) seen.set(`${x.contractId}|${x.ruleId}`, x);
  return [...seen.values()];
}
