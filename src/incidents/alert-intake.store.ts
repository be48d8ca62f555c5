// The set-based SQL of the alert path (decision 0014): a batch of alerts costs a few
// `unnest` queries whatever its size. The decision itself is pure
// (domain/incidents/alert-decision); alert-intake.ts reads through here, decides, writes back.
import { In, type EntityManager } from "typeorm";
import { IncidentEntity, MaintenanceWindowEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import { groupString, keyString, type Membership } from "../domain/incidents/alert-decision.js";
import type { MaintenanceWindow } from "../domain/maintenance/windows.js";
import { toWindow } from "../maintenance/views.js";
import type { AlertKey } from "./alerts.js";

export interface MemberWrite {
  incidentId: string;
  contractId: string;
  key: AlertKey;
  labels: Record<string, string>;
  value: number | null;
  atMs: number;
}
export type MemberTouch = { incidentId: string; key: AlertKey; value: number | null; atMs: number };
export type MemberClear = { incidentId: string; key: AlertKey; atMs: number };

export interface AlertIntakeStore {
  /** Each key's latest membership: the incident it is (or last was) a member of. */
  latestMemberships(tx: Tx, keys: readonly AlertKey[]): Promise<Map<string, Membership>>;
  /** The latest unresolved incident per (contract, rule): where a new key of a storm joins. */
  groupCandidates(
    tx: Tx,
    pairs: readonly { contractId: string; ruleId: string }[],
  ): Promise<Map<string, string>>;
  /** Row-locks incidents in id order (a fixed order: two batches never deadlock). */
  lockIncidents(tx: Tx, ids: readonly string[]): Promise<Map<string, IncidentEntity>>;
  /** `contract|component` of the components that may raise incidents now. */
  monitoredComponents(tx: Tx, componentIds: readonly string[]): Promise<Set<string>>;
  insertIncidents(tx: Tx, rows: readonly IncidentEntity[]): Promise<void>;
  insertMembers(tx: Tx, rows: readonly MemberWrite[]): Promise<void>;
  /** Fires of keys already (or again) members: value and last fire; brings them back. */
  touchMembers(tx: Tx, rows: readonly MemberTouch[]): Promise<void>;
  clearMembers(tx: Tx, rows: readonly MemberClear[]): Promise<void>;
  /** The maintenance windows of these contracts that may be active since `since`. */
  maintenanceWindows(
    tx: Tx,
    contractIds: readonly string[],
    since: Date,
  ): Promise<MaintenanceWindow[]>;
  /** Distinct components among an incident's active members. */
  activeComponentsOf(tx: Tx, incidentId: string): Promise<number>;
  /** Components of a contract in service on a JST date. */
  componentsInService(tx: Tx, contractId: string, jstDate: string): Promise<number>;
}

export function createAlertIntakeStore(): AlertIntakeStore {
  return {
    latestMemberships: (tx, keys) => latestMemberships(managerOf(tx), keys),
    groupCandidates: (tx, pairs) => groupCandidates(managerOf(tx), pairs),
    lockIncidents: (tx, ids) => lockIncidents(managerOf(tx), ids),
    monitoredComponents: (tx, ids) => monitoredComponents(managerOf(tx), ids),
    async insertIncidents(tx, rows) {
      if (rows.length > 0) await managerOf(tx).insert(IncidentEntity, [...rows]);
    },
    insertMembers: (tx, rows) => insertMembers(managerOf(tx), rows),
    touchMembers: (tx, rows) => touchMembers(managerOf(tx), rows),
    clearMembers: (tx, rows) => clearMembers(managerOf(tx), rows),
    async maintenanceWindows(tx, contracts, since) {
      if (contracts.length === 0) return [];
      const rows = await managerOf(tx)
        .createQueryBuilder(MaintenanceWindowEntity, "w")
        .where("w.contractId IN (:...contracts)", { contracts })
        .andWhere("(w.recurrence <> 'none' OR w.endsAt > :since)", { since })
        .getMany();
      return rows.map(toWindow);
    },
    async activeComponentsOf(tx, incidentId) {
      const [row] = await managerOf(tx).query<{ n: number }[]>(
        `SELECT count(DISTINCT component_id)::int AS n FROM incident_members WHERE incident_id = $1 AND active`,
        [incidentId],
      );
      return row?.n ?? 0;
    },
    async componentsInService(tx, contractId, jstDate) {
      const [row] = await managerOf(tx).query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM components
          WHERE contract_id = $1 AND active_from <= $2::date AND (active_until IS NULL OR active_until >= $2::date)`,
        [contractId, jstDate],
      );
      return row?.n ?? 0;
    },
  };
}

type KeyRow = { component_id: string; rule_id: string; labels_key: string };
const keyArrays = (keys: readonly AlertKey[]) => [
  keys.map((k) => k.componentId),
  keys.map((k) => k.ruleId),
  keys.map((k) => k.labelsKey),
];

/** Each key's latest membership: the incident it is (or last was) a member of. */
async function latestMemberships(
  m: EntityManager,
  keys: readonly AlertKey[],
): Promise<Map<string, Membership>> {
  const rows = await m.query<(KeyRow & { incident_id: string; active: boolean })[]>(
    `SELECT DISTINCT ON (mb.component_id, mb.rule_id, mb.labels_key)
            mb.component_id, mb.rule_id::text AS rule_id, mb.labels_key, mb.incident_id, mb.active
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS k(c, r, l)
       JOIN incident_members mb ON mb.component_id = k.c AND mb.rule_id = k.r AND mb.labels_key = k.l
      ORDER BY mb.component_id, mb.rule_id, mb.labels_key, mb.active DESC, mb.last_fired_at DESC`,
    keyArrays(keys),
  );
  return new Map(
    rows.map((r) => [
      keyString({ componentId: r.component_id, ruleId: r.rule_id, labelsKey: r.labels_key }),
      { incidentId: r.incident_id, active: r.active },
    ]),
  );
}

/** The latest unresolved incident per (contract, rule): where a new key of a storm joins. */
async function groupCandidates(
  m: EntityManager,
  pairs: readonly { contractId: string; ruleId: string }[],
): Promise<Map<string, string>> {
  if (pairs.length === 0) return new Map();
  const rows = await m.query<{ id: string; contract_id: string; rule_id: string }[]>(
    `SELECT DISTINCT ON (i.contract_id, i.rule_id) i.id, i.contract_id, i.rule_id::text AS rule_id
       FROM unnest($1::uuid[], $2::uuid[]) AS g(c, r)
       JOIN incidents i ON i.contract_id = g.c AND i.rule_id = g.r AND i.state <> 'resolved'
      ORDER BY i.contract_id, i.rule_id, i.opened_at DESC`,
    [pairs.map((p) => p.contractId), pairs.map((p) => p.ruleId)],
  );
  return new Map(rows.map((r) => [groupString(r.contract_id, r.rule_id), r.id]));
}

/** Row-locks incidents in id order (a fixed order: two batches never deadlock). */
async function lockIncidents(
  m: EntityManager,
  ids: readonly string[],
): Promise<Map<string, IncidentEntity>> {
  if (ids.length === 0) return new Map();
  const rows = await m.find(IncidentEntity, {
    where: { id: In([...ids]) },
    order: { id: "ASC" },
    lock: { mode: "pessimistic_write" },
  });
  return new Map(rows.map((r) => [r.id, r]));
}

/** `contract|component` of the components that may raise incidents now. */
async function monitoredComponents(
  m: EntityManager,
  componentIds: readonly string[],
): Promise<Set<string>> {
  if (componentIds.length === 0) return new Set();
  const rows = await m.query<{ id: string; contract_id: string }[]>(
    `SELECT k.id, k.contract_id FROM components k JOIN contracts c ON c.id = k.contract_id
      WHERE k.id = ANY($1::uuid[]) AND c.status = 'active'`,
    [[...new Set(componentIds)]],
  );
  return new Set(rows.map((r) => `${r.contract_id}|${r.id}`));
}

async function insertMembers(m: EntityManager, rows: readonly MemberWrite[]) {
  if (rows.length === 0) return;
  await m.query(
    `INSERT INTO incident_members
       (incident_id, contract_id, component_id, rule_id, labels_key, labels, value, first_fired_at, last_fired_at, active)
     SELECT i, c, k, r, l, lb::jsonb, v, to_timestamp(t / 1000.0), to_timestamp(t / 1000.0), true
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::float8[], $8::float8[])
         AS x(i, c, k, r, l, lb, v, t)`,
    [
      rows.map((r) => r.incidentId),
      rows.map((r) => r.contractId),
      rows.map((r) => r.key.componentId),
      rows.map((r) => r.key.ruleId),
      rows.map((r) => r.key.labelsKey),
      rows.map((r) => JSON.stringify(r.labels)),
      rows.map((r) => r.value),
      rows.map((r) => r.atMs),
    ],
  );
}

/** Fires of keys already (or again) members: value and last fire; `activate` brings them back. */
async function touchMembers(m: EntityManager, rows: readonly MemberTouch[]) {
  if (rows.length === 0) return;
  await m.query(
    `UPDATE incident_members mb SET active = true, cleared_at = NULL, value = x.v,
            last_fired_at = GREATEST(mb.last_fired_at, to_timestamp(x.t / 1000.0))
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::float8[], $6::float8[])
         AS x(i, k, r, l, v, t)
      WHERE mb.incident_id = x.i AND mb.component_id = x.k AND mb.rule_id = x.r AND mb.labels_key = x.l`,
    [
      rows.map((r) => r.incidentId),
      rows.map((r) => r.key.componentId),
      rows.map((r) => r.key.ruleId),
      rows.map((r) => r.key.labelsKey),
      rows.map((r) => r.value),
      rows.map((r) => r.atMs),
    ],
  );
}

async function clearMembers(m: EntityManager, rows: readonly MemberClear[]) {
  if (rows.length === 0) return;
  await m.query(
    `UPDATE incident_members mb SET active = false, cleared_at = to_timestamp(x.t / 1000.0)
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::float8[]) AS x(i, k, r, l, t)
      WHERE mb.incident_id = x.i AND mb.component_id = x.k AND mb.rule_id = x.r
        AND mb.labels_key = x.l AND mb.active`,
    [
      rows.map((r) => r.incidentId),
      rows.map((r) => r.key.componentId),
      rows.map((r) => r.key.ruleId),
      rows.map((r) => r.key.labelsKey),
      rows.map((r) => r.atMs),
    ],
  );
}
