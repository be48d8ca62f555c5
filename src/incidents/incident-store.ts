// Row access for incidents: conditional transitions and the lookups the verbs share.
import { In, type EntityManager } from "typeorm";
import { assertInScope, type ContractScope } from "../access/actor.js";
import { IncidentEntity } from "../db/entities/index.js";
import {
  allowedFrom,
  refusal,
  type IncidentState,
  type IncidentVerb,
} from "../domain/incidents/lifecycle.js";
import { groupString, keyString, type Membership } from "../domain/incidents/alert-decision.js";
import { conflict, notFound } from "../shared/errors.js";
import type { AlertKey } from "./alerts.js";

/** Fetch-or-throw, scoped to the tenant, row-locked for the transition that follows. */
export async function lockIncident(
  m: EntityManager,
  scope: ContractScope,
  id: string,
): Promise<IncidentEntity> {
  const row = await m.findOne(IncidentEntity, {
    where: { id },
    lock: { mode: "pessimistic_write" },
  });
  if (!row) throw notFound("incident");
  assertInScope(scope, row.contractId, "incident");
  return row;
}

export function assertTransition(incident: IncidentEntity, verb: IncidentVerb): void {
  const state = incident.state as IncidentState;
  if (!allowedFrom(verb).includes(state)) throw conflict(refusal(verb, state));
}

/**
 * Applies a change only while the incident is still in one of `from` (the row lock makes
 * this exact; the WHERE keeps it exact even for a caller that did not lock).
 */
export async function transition(
  m: EntityManager,
  incident: IncidentEntity,
  verb: IncidentVerb,
  patch: Partial<IncidentEntity>,
): Promise<IncidentEntity> {
  assertTransition(incident, verb);
  const result = await m
    .createQueryBuilder()
    .update(IncidentEntity)
    .set({ ...patch, version: () => "version + 1" })
    .where("id = :id AND state IN (:...from)", { id: incident.id, from: allowedFrom(verb) })
    .execute();
  if (result.affected !== 1) throw conflict(refusal(verb, incident.state as IncidentState));
  return m.findOneByOrFail(IncidentEntity, { id: incident.id });
}

/** The incident an alert key is an active member of, if any. */
export async function activeMembership(m: EntityManager, key: AlertKey): Promise<string | null> {
  const [row] = await m.query<{ incident_id: string }[]>(
    `SELECT incident_id FROM incident_members
      WHERE component_id = $1 AND rule_id = $2 AND labels_key = $3 AND active`,
    [key.componentId, key.ruleId, key.labelsKey],
  );
  return row?.incident_id ?? null;
}

// ---- Batched reads and writes of the alert path (apply-alerts.ts) ----

type KeyRow = { component_id: string; rule_id: string; labels_key: string };
const keyArrays = (keys: readonly AlertKey[]) => [
  keys.map((k) => k.componentId),
  keys.map((k) => k.ruleId),
  keys.map((k) => k.labelsKey),
];

/** Each key's latest membership: the incident it is (or last was) a member of. */
export async function latestMemberships(
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
export async function groupCandidates(
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
export async function lockIncidents(
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
export async function monitoredComponents(
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

export interface MemberWrite {
  incidentId: string;
  contractId: string;
  key: AlertKey;
  labels: Record<string, string>;
  value: number | null;
  atMs: number;
}

export async function insertMembers(m: EntityManager, rows: readonly MemberWrite[]) {
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
export async function touchMembers(
  m: EntityManager,
  rows: readonly { incidentId: string; key: AlertKey; value: number | null; atMs: number }[],
) {
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

export async function clearMembers(
  m: EntityManager,
  rows: readonly { incidentId: string; key: AlertKey; atMs: number }[],
) {
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

/** Every member of an incident leaves (a manual resolve): new fires then reopen or open anew. */
export async function clearAllMembers(m: EntityManager, incidentId: string, at: Date) {
  await m.query(
    `UPDATE incident_members SET active = false, cleared_at = $2 WHERE incident_id = $1 AND active`,
    [incidentId, at],
  );
}

/** Distinct components among an incident's active members. */
export async function activeComponentsOf(m: EntityManager, incidentId: string): Promise<number> {
  const [row] = await m.query<{ n: number }[]>(
    `SELECT count(DISTINCT component_id)::int AS n FROM incident_members WHERE incident_id = $1 AND active`,
    [incidentId],
  );
  return row?.n ?? 0;
}

export interface MemberView {
  componentId: string;
  componentName: string | null;
  labels: Record<string, string>;
  value: number | null;
  firstFiredAt: Date;
  lastFiredAt: Date;
  clearedAt: Date | null;
  active: boolean;
}

/** An incident's members, active first, for the incident page and the e-mails. */
export async function membersOf(
  m: EntityManager,
  incidentId: string,
  limit = 1000,
): Promise<MemberView[]> {
  const rows = await m.query<
    {
      component_id: string;
      name: string | null;
      labels: Record<string, string>;
      value: number | null;
      first_fired_at: Date;
      last_fired_at: Date;
      cleared_at: Date | null;
      active: boolean;
    }[]
  >(
    `SELECT mb.component_id, k.name, mb.labels, mb.value, mb.first_fired_at, mb.last_fired_at,
            mb.cleared_at, mb.active
       FROM incident_members mb LEFT JOIN components k ON k.id = mb.component_id
      WHERE mb.incident_id = $1
      ORDER BY mb.active DESC, k.name, mb.labels_key LIMIT $2`,
    [incidentId, limit],
  );
  return rows.map((r) => ({
    componentId: r.component_id,
    componentName: r.name,
    labels: r.labels,
    value: r.value,
    firstFiredAt: r.first_fired_at,
    lastFiredAt: r.last_fired_at,
    clearedAt: r.cleared_at,
    active: r.active,
  }));
}
