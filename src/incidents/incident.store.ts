// Incident rows for the verbs, the timers and the API: conditional transitions, the lookups
// the verbs share, the outage an incident declares, and the audit row written with a change.
import {
  In,
  IsNull,
  LessThanOrEqual,
  Not,
  Raw,
  type DataSource,
  type EntityManager,
  type FindOptionsWhere,
} from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import {
  ComponentEntity,
  ContractEntity,
  IncidentEntity,
  IncidentEventEntity,
  OutageEntity,
} from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { AlertKey } from "./alerts.js";

export interface IncidentFilter {
  state?: "open" | "acknowledged" | "resolved" | "active" | undefined;
  contractId?: string | undefined;
  componentId?: string | undefined;
  severity?: "critical" | "warning" | "info" | undefined;
  assigneeId?: string | undefined;
  limit: number;
  offset: number;
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

export interface Names {
  contracts: Map<string, { customerName: string; plan: string }>;
  components: Map<string, string>;
}

export type NewOutage = Pick<
  OutageEntity,
  | "contractId"
  | "scope"
  | "cause"
  | "knownAt"
  | "restoredAt"
  | "description"
  | "incidentId"
  | "createdBy"
>;

export interface IncidentStore {
  /** Row-locked for the change that follows; null when there is no such incident. */
  lock(tx: Tx, id: string): Promise<IncidentEntity | null>;
  /** Row-locked while still open and due for escalation at `now`. */
  lockEscalationDue(tx: Tx, id: string, now: Date): Promise<IncidentEntity | null>;
  /** Row-locked while unresolved and not routed yet (`held`: also maintenance-held ones). */
  lockUnrouted(tx: Tx, id: string, opts: { held: boolean }): Promise<IncidentEntity | null>;
  /**
   * Applies `patch` (and version + 1) only while the incident is in one of `from`; the
   * updated row, or null when it was not (a concurrent change won).
   */
  transition(
    tx: Tx,
    id: string,
    from: readonly string[],
    patch: Partial<IncidentEntity>,
  ): Promise<IncidentEntity | null>;
  /** Writes every column of the row as it is in memory. */
  save(tx: Tx, incident: IncidentEntity): Promise<IncidentEntity>;
  update(tx: Tx, id: string, patch: Partial<IncidentEntity>): Promise<void>;

  /** The incident an alert key is an active member of, if any. */
  activeMembership(tx: Tx, key: AlertKey): Promise<string | null>;
  /** The key (back) as an active member, firing now with `value`. */
  touchMember(
    tx: Tx,
    incidentId: string,
    key: AlertKey,
    value: number | null,
    at: Date,
  ): Promise<void>;
  /** Every member of an incident leaves (a manual resolve). */
  clearAllMembers(tx: Tx, incidentId: string, at: Date): Promise<void>;

  createOutage(tx: Tx, outage: NewOutage): Promise<OutageEntity>;
  /** The incident's outage (if any and not restored yet) is restored at `at`. */
  restoreOutage(tx: Tx, outageId: string, at: Date): Promise<void>;
  audit(tx: Tx, entry: AuditEntry): Promise<void>;

  /** Ids of open incidents whose escalation is due, oldest due first. */
  escalationsDue(now: Date, limit: number): Promise<string[]>;
  /** Unresolved, unrouted incidents of contracts served at `now`, oldest first. */
  unroutedOfServedContracts(now: Date, limit: number): Promise<IncidentEntity[]>;

  list(
    scope: ContractScope,
    filter: IncidentFilter,
  ): Promise<{ rows: IncidentEntity[]; total: number }>;
  find(scope: ContractScope, id: string): Promise<IncidentEntity | null>;
  timelineOf(incidentId: string, customerVisibleOnly: boolean): Promise<IncidentEventEntity[]>;
  membersOf(incidentId: string, limit?: number): Promise<MemberView[]>;
  /** Customer, plan and component names of the rows (two queries for a page). */
  names(rows: readonly IncidentEntity[]): Promise<Names>;
}

const inScope = (scope: ContractScope) =>
  scope.kind === "contract" ? { contractId: scope.contractId } : {};

export function createIncidentStore(db: DataSource): IncidentStore {
  return {
    lock: (tx, id) =>
      managerOf(tx).findOne(IncidentEntity, { where: { id }, lock: { mode: "pessimistic_write" } }),
    lockEscalationDue: (tx, id, now) =>
      managerOf(tx).findOne(IncidentEntity, {
        where: { id, state: "open", escalateAt: LessThanOrEqual(now) },
        lock: { mode: "pessimistic_write" },
      }),
    lockUnrouted: (tx, id, { held }) =>
      managerOf(tx).findOne(IncidentEntity, {
        where: {
          id,
          routedAt: IsNull(),
          state: Not("resolved"),
          ...(held ? {} : { suppressed: false }),
        },
        lock: { mode: "pessimistic_write" },
      }),
    async transition(tx, id, from, patch) {
      const m = managerOf(tx);
      // The row lock makes this exact; the WHERE keeps it exact for a caller that did not lock.
      const result = await m
        .createQueryBuilder()
        .update(IncidentEntity)
        .set({ ...patch, version: () => "version + 1" })
        .where("id = :id AND state IN (:...from)", { id, from })
        .execute();
      if (result.affected !== 1) return null;
      return m.findOneByOrFail(IncidentEntity, { id });
    },
    save: (tx, incident) => managerOf(tx).save(IncidentEntity, incident),
    async update(tx, id, patch) {
      await managerOf(tx).update(IncidentEntity, id, patch);
    },
    async activeMembership(tx, key) {
      const [row] = await managerOf(tx).query<{ incident_id: string }[]>(
        `SELECT incident_id FROM incident_members
          WHERE component_id = $1 AND rule_id = $2 AND labels_key = $3 AND active`,
        [key.componentId, key.ruleId, key.labelsKey],
      );
      return row?.incident_id ?? null;
    },
    async touchMember(tx, incidentId, key, value, at) {
      await managerOf(tx).query(
        `UPDATE incident_members SET active = true, cleared_at = NULL, value = $5,
                last_fired_at = GREATEST(last_fired_at, $6)
          WHERE incident_id = $1 AND component_id = $2 AND rule_id = $3 AND labels_key = $4`,
        [incidentId, key.componentId, key.ruleId, key.labelsKey, value, at],
      );
    },
    async clearAllMembers(tx, incidentId, at) {
      await managerOf(tx).query(
        `UPDATE incident_members SET active = false, cleared_at = $2 WHERE incident_id = $1 AND active`,
        [incidentId, at],
      );
    },
    createOutage: (tx, outage) => managerOf(tx).save(managerOf(tx).create(OutageEntity, outage)),
    async restoreOutage(tx, outageId, at) {
      await managerOf(tx)
        .createQueryBuilder()
        .update(OutageEntity)
        .set({ restoredAt: at })
        .where("id = :id AND restored_at IS NULL", { id: outageId })
        .execute();
    },
    audit: (tx, entry) => recordAudit(managerOf(tx), entry),
    async escalationsDue(now, limit) {
      const rows = await db.getRepository(IncidentEntity).find({
        where: { state: "open", escalateAt: LessThanOrEqual(now) },
        select: { id: true },
        order: { escalateAt: "ASC" },
        take: limit,
      });
      return rows.map((r) => r.id);
    },
    unroutedOfServedContracts: (now, limit) =>
      db
        .getRepository(IncidentEntity)
        .createQueryBuilder("i")
        .innerJoin("contracts", "c", "c.id = i.contract_id")
        .where("i.state <> 'resolved' AND i.routed_at IS NULL")
        .andWhere("c.status = 'active' AND (c.suspended_from IS NULL OR c.suspended_from > :now)", {
          now,
        })
        .orderBy("i.opened_at", "ASC")
        .take(limit)
        .getMany(),
    async list(scope, filter) {
      const [rows, total] = await db.getRepository(IncidentEntity).findAndCount({
        where: incidentWhere(scope, filter),
        order: { openedAt: "DESC", id: "ASC" },
        take: filter.limit,
        skip: filter.offset,
      });
      return { rows, total };
    },
    find: (scope, id) => db.getRepository(IncidentEntity).findOneBy({ id, ...inScope(scope) }),
    timelineOf: (incidentId, customerVisibleOnly) =>
      db.getRepository(IncidentEventEntity).find({
        where: { incidentId, ...(customerVisibleOnly ? { customerVisible: true } : {}) },
        order: { id: "ASC" },
      }),
    membersOf: (incidentId, limit) => membersOf(db.manager, incidentId, limit),
    names: (rows) => loadNames(db.manager, rows),
  };
}

function incidentWhere(scope: ContractScope, q: IncidentFilter) {
  const where: FindOptionsWhere<IncidentEntity> = {
    ...(q.contractId ? { contractId: q.contractId } : {}),
    ...inScope(scope),
    // A component's incidents include the grouped ones it is a member of.
    ...(q.componentId
      ? {
          id: Raw(
            (id) =>
              `${id} IN (SELECT incident_id FROM incident_members WHERE component_id = :componentId)`,
            { componentId: q.componentId },
          ),
        }
      : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}),
  };
  if (q.state === "active") where.state = In(["open", "acknowledged"]);
  else if (q.state) where.state = q.state;
  return where;
}

async function loadNames(m: EntityManager, rows: readonly IncidentEntity[]): Promise<Names> {
  const contractIds = [...new Set(rows.map((r) => r.contractId))];
  const componentIds = [...new Set(rows.flatMap((r) => (r.componentId ? [r.componentId] : [])))];
  const [contracts, components] = await Promise.all([
    contractIds.length
      ? m.find(ContractEntity, {
          where: { id: In(contractIds) },
          select: { id: true, customerName: true, plan: true },
        })
      : [],
    componentIds.length
      ? m.find(ComponentEntity, {
          where: { id: In(componentIds) },
          select: { id: true, name: true },
        })
      : [],
  ]);
  return {
    contracts: new Map(
      contracts.map((c) => [c.id, { customerName: c.customerName, plan: c.plan }]),
    ),
    components: new Map(components.map((c) => [c.id, c.name])),
  };
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
