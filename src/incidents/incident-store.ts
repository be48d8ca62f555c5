// Row access for incidents: conditional transitions and the lookups the verbs share.
import type { EntityManager } from "typeorm";
import { assertInScope, type ContractScope } from "../access/actor.js";
import { IncidentEntity } from "../db/entities/index.js";
import {
  allowedFrom,
  refusal,
  type IncidentState,
  type IncidentVerb,
} from "../domain/incidents/lifecycle.js";
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

/** The unresolved incident of an alert key, locked. */
export async function lockUnresolved(
  m: EntityManager,
  key: AlertKey,
): Promise<IncidentEntity | null> {
  return m
    .createQueryBuilder(IncidentEntity, "i")
    .setLock("pessimistic_write")
    .where(
      "i.component_id = :c AND i.rule_id = :r AND i.labels_key = :l AND i.state <> 'resolved'",
      {
        c: key.componentId,
        r: key.ruleId,
        l: key.labelsKey,
      },
    )
    .getOne();
}

/**
 * The incident an alert of this key belongs to, locked: the unresolved one, else the latest
 * resolved at or after `since` (a reopen candidate; false alarms never reopen). One query:
 * this is on the alert path.
 */
export async function lockLatestOfKey(
  m: EntityManager,
  key: AlertKey,
  since: Date,
): Promise<IncidentEntity | null> {
  return m
    .createQueryBuilder(IncidentEntity, "i")
    .setLock("pessimistic_write")
    .where("i.component_id = :c AND i.rule_id = :r AND i.labels_key = :l", {
      c: key.componentId,
      r: key.ruleId,
      l: key.labelsKey,
    })
    .andWhere(
      "(i.state <> 'resolved' OR (i.resolved_at >= :since AND i.resolution <> 'false_alarm'))",
      { since },
    )
    .orderBy("i.state = 'resolved'", "ASC")
    .addOrderBy("i.resolved_at", "DESC", "NULLS FIRST")
    .limit(1)
    .getOne();
}
