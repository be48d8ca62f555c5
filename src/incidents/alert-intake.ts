// Applies a batch of queued alerts to incidents in one transaction (decision 0014): reads
// the keys' memberships and the contracts' open incidents in a few set-based queries, lets
// the pure decision (domain/incidents/alert-decision) say what happens, and writes it back.
// New incidents are routed afterwards, each in its own short transaction: the incident
// reaches the sockets first, and a crash in between is recovered by the timers. The SQL,
// set-based, is in alert-intake.store.ts.
import { randomUUID } from "node:crypto";
import type { IncidentEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import {
  decideAlerts,
  keyString,
  type Effect,
  type GroupPolicy,
  type IncidentSnapshot,
} from "../domain/incidents/alert-decision.js";
import { activeWindow } from "../domain/maintenance/windows.js";
import { jstDateOf } from "../domain/time/jst.js";
import type { MemberClear, MemberTouch, MemberWrite } from "./alert-intake.store.js";
import type { QueuedAlert } from "./alert-queue.js";
import { incidentTx, type AlertIntakeDeps, type Changes } from "./incident-tx.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman, routeIncidentNow } from "./route-incident.js";
import { reopenedFields } from "./verb-support.js";

const ENGINE = "rule engine";

/** Applies the batch; returns the incidents it opened that now need routing. */
export function applyAlertBatch(
  deps: AlertIntakeDeps,
  batch: readonly QueuedAlert[],
): Promise<IncidentEntity[]> {
  const { intake } = deps;
  return incidentTx(deps, async (tx, changes) => {
    const keys = batch.map((b) => b.key);
    const membership = await intake.latestMemberships(tx, keys);
    const firing = batch.filter(
      (b) => b.contractId !== null && b.ops.some((o) => o.kind === "fire"),
    );
    const groups = await intake.groupCandidates(
      tx,
      unique(firing.map((b) => ({ contractId: b.contractId!, ruleId: b.key.ruleId }))),
    );
    const ids = [
      ...new Set([...[...membership.values()].map((x) => x.incidentId), ...groups.values()]),
    ];
    const locked = await intake.lockIncidents(tx, ids);
    const candidates = firing.filter((b) => membership.get(keyString(b.key))?.active !== true);
    const monitored = await intake.monitoredComponents(
      tx,
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
    return applyEffects(deps, tx, batch, locked, effects, changes);
  });
}

function groupPolicy(deps: AlertIntakeDeps): GroupPolicy {
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
  deps: AlertIntakeDeps,
  tx: Tx,
  batch: readonly QueuedAlert[],
  locked: Map<string, IncidentEntity>,
  effects: readonly Effect[],
  changes: Changes,
): Promise<IncidentEntity[]> {
  const byKey = new Map(batch.map((b) => [keyString(b.key), b]));
  const incidents = new Map(locked);
  const opened: IncidentEntity[] = [];
  const inserts: MemberWrite[] = [];
  const touches: MemberTouch[] = [];
  const clears: MemberClear[] = [];
  for (const e of effects) {
    if (e.kind !== "open") continue;
    const q = byKey.get(keyString(e.key))!;
    const row = newIncident(e, q);
    opened.push(row);
    incidents.set(row.id, row);
  }
  await deps.intake.insertIncidents(tx, opened);
  const windows = await maintenanceOf(
    deps,
    tx,
    opened.concat([...locked.values()]),
    deps.clock.now(),
  );
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
        await recordOpened(deps, tx, incident, windows, changes);
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
        await reopenOnFire(deps, tx, incident, e.value, new Date(e.atMs), windows, changes);
        break;
      case "leave":
        clears.push(e);
        incident.memberCount = Math.max(0, incident.memberCount - 1);
        tally(e.incidentId).left++;
        break;
      case "resolve":
        clears.push(e);
        await autoResolve(deps, tx, incident, new Date(e.atMs), changes);
        break;
    }
  }
  await deps.intake.insertMembers(tx, inserts);
  await deps.intake.touchMembers(tx, touches);
  await deps.intake.clearMembers(tx, clears);
  const at = deps.clock.now();
  for (const [id, t] of tallies) await recordTally(deps, tx, incidents.get(id)!, t, at, changes);
  // Incidents that opened or gained members this batch (ids: an opened one may also have joins).
  for (const id of new Set([...opened.map((i) => i.id), ...tallies.keys()])) {
    const incident = incidents.get(id)!;
    if (incident.ruleKind === "absence_component" && incident.state !== "resolved") {
      await markContractUnreachable(deps, tx, incident, at, changes);
    }
  }
  return opened.filter((i) => !i.suppressed && i.state !== "resolved");
}

/** A new incident's routing and lifecycle columns, before anything has happened to it. */
export const FRESH_INCIDENT = {
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
} satisfies Partial<IncidentEntity>;

function newIncident(e: Extract<Effect, { kind: "open" }>, q: QueuedAlert): IncidentEntity {
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
    ...FRESH_INCIDENT,
  };
}

type Windows = (incident: IncidentEntity, at: Date) => { windowId: string; endsAt: Date } | null;

/** The maintenance windows of the batch's contracts, read once, asked in memory. */
async function maintenanceOf(
  deps: AlertIntakeDeps,
  tx: Tx,
  incidents: readonly IncidentEntity[],
  now: Date,
): Promise<Windows> {
  const contracts = [...new Set(incidents.map((i) => i.contractId))];
  if (contracts.length === 0) return () => null;
  const since = new Date(now.getTime() - 86_400_000);
  const windows = await deps.intake.maintenanceWindows(tx, contracts, since);
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
  deps: AlertIntakeDeps,
  tx: Tx,
  incident: IncidentEntity,
  windows: Windows,
  changes: Changes,
): Promise<void> {
  const at = incident.openedAt;
  await changes.record(incident, {
    kind: "opened",
    at,
    actor: ENGINE,
    data: { value: incident.value, threshold: incident.threshold, labels: incident.labels },
  });
  const window = windows(incident, at);
  if (!window) return;
  incident.suppressed = true;
  await deps.incidents.update(tx, incident.id, { suppressed: true });
  await changes.record(incident, {
    kind: "note",
    at,
    actor: ENGINE,
    note: `opened during maintenance (until ${window.endsAt.toISOString()}): not paged or e-mailed`,
    data: { maintenanceWindowId: window.windowId },
  });
}

/** Members joined, came back or left, and repeats: one timeline entry each per batch. */
async function recordTally(
  deps: AlertIntakeDeps,
  tx: Tx,
  incident: IncidentEntity,
  t: Tally,
  at: Date,
  changes: Changes,
): Promise<void> {
  if (incident.state === "resolved" && t.joined + t.rejoined === 0 && t.repeats === 0) {
    await deps.incidents.update(tx, incident.id, { memberCount: incident.memberCount });
    return;
  }
  incident.repeatCount += t.repeats;
  if (t.lastValue !== null) incident.value = t.lastValue;
  incident.version += 1;
  await deps.incidents.update(tx, incident.id, {
    memberCount: incident.memberCount,
    membersTotal: incident.membersTotal,
    repeatCount: incident.repeatCount,
    lastFiredAt: incident.lastFiredAt,
    value: incident.value,
    version: incident.version,
  });
  if (t.joined + t.rejoined + t.left > 0) {
    await changes.record(incident, {
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
    });
  }
  if (t.repeats > 0) {
    await changes.record(incident, {
      kind: "repeated",
      at,
      actor: ENGINE,
      data: { value: incident.value, repeatCount: incident.repeatCount, repeats: t.repeats },
      customerVisible: false,
    });
  }
}

async function autoResolve(
  deps: AlertIntakeDeps,
  tx: Tx,
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
  await deps.incidents.save(tx, incident);
  // An outage revealed by the incident is restored when the incident resolves.
  if (incident.outageId) await deps.incidents.restoreOutage(tx, incident.outageId, at);
  await changes.record(incident, {
    kind: "resolved",
    at,
    actor: ENGINE,
    note: "condition cleared",
    data: { auto: true },
  });
}

async function reopenOnFire(
  deps: AlertIntakeDeps,
  tx: Tx,
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
  await deps.incidents.save(tx, incident);
  await changes.record(incident, {
    kind: "reopened",
    at,
    actor: ENGINE,
    note: window
      ? `the condition returned during maintenance (until ${window.endsAt.toISOString()}): held`
      : "the condition returned within the reopen window",
    data: { value, reopenCount: incident.reopenCount },
  });
  // Already counted against the quota: a reopen pages again but takes no new unit.
  if (needsHuman(incident.tier) && !incident.suppressed) {
    await pageLevel(deps, tx, incident, 0, at, changes, ENGINE);
  }
}

/**
 * Most of a contract's components silent in one incident: the contract is unreachable, and
 * the NOC is asked once whether to declare an outage (not once per silent component).
 */
async function markContractUnreachable(
  deps: AlertIntakeDeps,
  tx: Tx,
  incident: IncidentEntity,
  at: Date,
  changes: Changes,
): Promise<void> {
  if (incident.scope === "contract") return;
  const total = await deps.intake.componentsInService(
    tx,
    incident.contractId,
    jstDateOf(at.getTime()),
  );
  const silent = await deps.intake.activeComponentsOf(tx, incident.id);
  if (total === 0 || silent / total <= deps.settings.unreachableRatio) return;
  incident.scope = "contract";
  incident.version += 1;
  await deps.incidents.update(tx, incident.id, { scope: "contract", version: incident.version });
  await changes.record(incident, {
    kind: "outage_proposed",
    at,
    actor: ENGINE,
    note: `contract unreachable: ${silent} of ${total} components are silent: declare an outage?`,
    data: { components: total, silent },
    customerVisible: false,
  });
}

/** Routes an incident the batch opened (its own transaction, after the batch committed). */
export function routeOpened(deps: AlertIntakeDeps, opened: IncidentEntity): Promise<void> {
  return incidentTx(deps, async (tx, changes) => {
    const incident = await deps.incidents.lockUnrouted(tx, opened.id, { held: false });
    if (!incident) return;
    await routeIncidentNow(deps, tx, incident, incident.openedAt, changes);
  });
}

function unique<T extends { contractId: string; ruleId: string }>(xs: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) seen.set(`${x.contractId}|${x.ruleId}`, x);
  return [...seen.values()];
}
