// The transaction shape every incident verb shares: changes made inside are told to the
// hub's in-transaction listeners as they happen, and to the after-commit listeners once
// the transaction is durable (never for a rolled-back one).
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../infra/clock.js";
import type { IncidentChange } from "./events.js";
import type { IncidentHub } from "./hub.js";

export interface IncidentSettings {
  /** A paged incident not acknowledged this long escalates (SPEC 4 default 15 min). */
  escalationAfterMs: number;
  /** A fire within this long after auto-resolution reopens the incident. */
  reopenWindowMs: number;
  /** Alert storms: a new key joins its contract's incident of the rule opened this recently. */
  groupWindowMs: number;
  /** From this many members an incident stays a group for later members. */
  groupMinMembers: number;
  /** A grouped incident's customer follow-up e-mail at most this often. */
  followupEveryMs: number;
  /** More than this share of a contract's components silent together: contract unreachable. */
  unreachableRatio: number;
}

export interface IncidentDeps {
  db: DataSource;
  clock: Clock;
  hub: IncidentHub;
  settings: IncidentSettings;
}

export type Changes = IncidentChange[];

export async function incidentTx<T>(
  deps: IncidentDeps,
  fn: (m: EntityManager, changes: Changes) => Promise<T>,
): Promise<T> {
  const changes: Changes = [];
  const result = await deps.db.transaction((m) => fn(m, changes));
  deps.hub.afterCommit(changes);
  return result;
}
