// Contracts' persistence: contracts, contacts, plan history, the lifecycle job's queries and
// the termination purge. Use cases see the `ContractStore` interface; the TypeORM
// implementation follows it. `createContractsDeps` wires every contract store for a data source.
import type { DataSource, EntityManager } from "typeorm";
import { assertInScope, type ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import {
  ComponentEntity,
  ContactEntity,
  ContractEntity,
  PlanChangeEntity,
} from "../db/entities/index.js";
import { managerOf, typeormUnitOfWork, type Tx } from "../db/unit-of-work.js";
import { enqueue, type NewOutboxMessage } from "../notify/outbox.store.js";
import { notFound } from "../shared/errors.js";
import { createComponentStore, createAgentTokenStore } from "./component.store.js";
import type { ContractsDeps } from "./deps.js";
import { purgeContractData, type PurgeResult } from "./purge.store.js";
import { createRunbookStore } from "./runbook.store.js";

export type { PurgeResult };

export interface ContractListFilter {
  /** Only this contract (a customer's scope). */
  contractId?: string;
  status?: string;
  plan?: string;
  limit: number;
  offset: number;
}

export type NewContract = Pick<
  ContractEntity,
  "customerName" | "plan" | "tierMode" | "instanceLabel" | "status" | "receivedAt"
>;
export type ContactFields = Pick<ContactEntity, "name" | "email" | "language">;
export type NewPlanChange = Pick<
  PlanChangeEntity,
  "contractId" | "fromPlan" | "plan" | "effectiveMonth" | "createdBy"
>;

/** A contact of a contract, with what a notice to it needs. */
export interface ContactRecipient {
  contractId: string;
  customerName: string;
  email: string;
  language: string;
}
export type RenewalCandidate = ContactRecipient & { startDate: string };
export type MaintenanceRecipient = ContactRecipient & {
  startsAt: Date;
  endsAt: Date;
  reason: string;
};

export interface ContractStore {
  /** Fetch-or-throw in the tenant's scope: another contract's id is NOT_FOUND. */
  get(
    scope: ContractScope,
    id: string,
    opts?: { tx?: Tx; lock?: boolean },
  ): Promise<ContractEntity>;
  list(filter: ContractListFilter): Promise<{ rows: ContractEntity[]; total: number }>;
  create(tx: Tx, contract: NewContract): Promise<ContractEntity>;
  /** Writes the row's changed fields (and bumps its version). */
  save(tx: Tx, row: ContractEntity): Promise<ContractEntity>;
  /** Contacts ordered by e-mail. */
  contacts(contractId: string, tx?: Tx): Promise<ContactEntity[]>;
  addContacts(tx: Tx, contractId: string, contacts: readonly ContactFields[]): Promise<void>;
  replaceContacts(tx: Tx, contractId: string, contacts: readonly ContactFields[]): Promise<void>;
  /** Plan history, by effective month then creation. */
  planChanges(contractId: string, tx?: Tx): Promise<PlanChangeEntity[]>;
  addPlanChange(tx: Tx, change: NewPlanChange): Promise<PlanChangeEntity>;
  /** Applications still waiting for a decision. */
  pendingApplications(): Promise<Pick<ContractEntity, "id" | "receivedAt">[]>;
  /** Active contracts whose end date is before `today`, and whether renewal was objected to. */
  pastEndDate(today: string): Promise<{ id: string; objected: boolean }[]>;
  /** Sets each active contract's plan to the one in force in `month`; returns how many changed. */
  applyDuePlanChanges(month: string): Promise<number>;
  /** Deletes the personal data of a terminated contract (contracts/purge.store.ts). */
  purgePersonalData(tx: Tx, contractId: string): Promise<PurgeResult>;
  /** Contacts of active contracts with no end date nor objection (renewal reminders). */
  renewalCandidates(): Promise<RenewalCandidate[]>;
  /** Contacts of every active contract (service notices). */
  activeContacts(tx?: Tx): Promise<ContactRecipient[]>;
  /** Windows of active contracts starting in (after, upTo]. */
  maintenanceWindowsStarting(after: Date, upTo: Date): Promise<string[]>;
  maintenanceRecipients(windowId: string): Promise<MaintenanceRecipient[]>;
}

/** Audit rows, written in the caller's transaction so they commit with the change. */
export interface AuditLog {
  record(tx: Tx, entry: AuditEntry): Promise<void>;
}

/** The outbox, for notices: idempotent by key; returns how many were newly queued. */
export interface NoticeOutbox {
  enqueue(messages: readonly NewOutboxMessage[], now: Date, tx?: Tx): Promise<number>;
}

const mgr = (db: DataSource, tx?: Tx): EntityManager => (tx ? managerOf(tx) : db.manager);

/** TypeORM answers UPDATE … RETURNING as [rows, count] on PostgreSQL, rows on PGlite. */
export function affected(result: unknown[]): number {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number"
    ? result[1]
    : result.length;
}

// Kept for features not yet behind stores (billing, incidents, …): `scoped.ts` re-exports them.
export async function getContract(
  m: EntityManager,
  scope: ContractScope,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<ContractEntity> {
  assertInScope(scope, id, "contract");
  const row = await m.findOne(ContractEntity, {
    where: { id },
    ...(opts.lock ? { lock: { mode: "pessimistic_write" } } : {}),
  });
  if (!row) throw notFound("contract");
  return row;
}

export async function getComponent(
  m: EntityManager,
  scope: ContractScope,
  id: string,
): Promise<ComponentEntity> {
  const where = scope.kind === "all" ? { id } : { id, contractId: scope.contractId };
  const row = await m.findOneBy(ComponentEntity, where);
  if (!row) throw notFound("component");
  return row;
}

export function createContractStore(db: DataSource): ContractStore {
  return {
    get: (scope, id, opts = {}) => getContract(mgr(db, opts.tx), scope, id, opts),
    list: async (f) => {
      const [rows, total] = await db.getRepository(ContractEntity).findAndCount({
        where: {
          ...(f.contractId ? { id: f.contractId } : {}),
          ...(f.status ? { status: f.status } : {}),
          ...(f.plan ? { plan: f.plan } : {}),
        },
        order: { createdAt: "ASC" },
        take: f.limit,
        skip: f.offset,
      });
      return { rows, total };
    },
    create: (tx, c) => managerOf(tx).save(managerOf(tx).create(ContractEntity, c)),
    save: (tx, row) => managerOf(tx).save(row),
    contacts: (contractId, tx) =>
      mgr(db, tx).find(ContactEntity, { where: { contractId }, order: { email: "ASC" } }),
    addContacts: async (tx, contractId, contacts) => {
      await managerOf(tx).insert(
        ContactEntity,
        contacts.map((c) => ({ ...c, contractId })),
      );
    },
    replaceContacts: async (tx, contractId, contacts) => {
      await managerOf(tx).delete(ContactEntity, { contractId });
      await managerOf(tx).insert(
        ContactEntity,
        contacts.map((c) => ({ ...c, contractId })),
      );
    },
    planChanges: (contractId, tx) =>
      mgr(db, tx).find(PlanChangeEntity, {
        where: { contractId },
        order: { effectiveMonth: "ASC", createdAt: "ASC" },
      }),
    addPlanChange: (tx, change) =>
      managerOf(tx).save(managerOf(tx).create(PlanChangeEntity, change)),
    pendingApplications: () =>
      db
        .getRepository(ContractEntity)
        .find({ where: { status: "applied" }, select: { id: true, receivedAt: true } }),
    pastEndDate: (today) =>
      db.query(
        `SELECT id, renewal_objection_date IS NOT NULL AS objected FROM contracts
         WHERE status = 'active' AND end_date IS NOT NULL AND end_date < $1 ORDER BY id`,
        [today],
      ),
    applyDuePlanChanges: async (month) =>
      affected(
        await db.query<unknown[]>(
          `UPDATE contracts c SET plan = p.plan, version = c.version + 1
           FROM (SELECT DISTINCT ON (contract_id) contract_id, plan FROM contract_plan_changes
                 WHERE effective_month <= $1 ORDER BY contract_id, effective_month DESC, created_at DESC) p
           WHERE p.contract_id = c.id AND c.status = 'active' AND c.plan <> p.plan RETURNING c.id`,
          [month],
        ),
      ),
    purgePersonalData: (tx, contractId) => purgeContractData(managerOf(tx), contractId),
    renewalCandidates: () =>
      db.query(
        `SELECT c.id AS "contractId", c.customer_name AS "customerName", c.start_date::text AS "startDate",
           k.email, k.language
         FROM contracts c JOIN contacts k ON k.contract_id = c.id
         WHERE c.status = 'active' AND c.end_date IS NULL AND c.renewal_objection_date IS NULL
           AND c.start_date IS NOT NULL`,
      ),
    activeContacts: (tx) =>
      mgr(db, tx).query(
        `SELECT c.id AS "contractId", c.customer_name AS "customerName", k.email, k.language
         FROM contracts c JOIN contacts k ON k.contract_id = c.id WHERE c.status = 'active'`,
      ),
    maintenanceWindowsStarting: async (after, upTo) =>
      (
        await db.query<{ id: string }[]>(
          `SELECT w.id FROM maintenance_windows w JOIN contracts c ON c.id = w.contract_id
           WHERE c.status = 'active' AND w.starts_at > $1 AND w.starts_at <= $2`,
          [after, upTo],
        )
      ).map((w) => w.id),
    maintenanceRecipients: async (windowId) =>
      (
        await db.query<MaintenanceRecipient[]>(
          `SELECT c.id AS "contractId", c.customer_name AS "customerName", k.email, k.language,
             w.starts_at AS "startsAt", w.ends_at AS "endsAt", w.reason
           FROM maintenance_windows w JOIN contracts c ON c.id = w.contract_id
           JOIN contacts k ON k.contract_id = c.id
           WHERE w.id = $1`,
          [windowId],
        )
      ).map((r) => ({ ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) })),
  };
}

export const createAuditLog = (): AuditLog => ({
  record: (tx, entry) => recordAudit(managerOf(tx), entry),
});

export const createNoticeOutbox = (db: DataSource): NoticeOutbox => ({
  enqueue: async (messages, now, tx) => (await enqueue(mgr(db, tx), messages, now)).length,
});

/** Every store the contract use cases take, over one data source (the composition roots use it). */
export function createContractsDeps(db: DataSource): ContractsDeps {
  return {
    uow: typeormUnitOfWork(db),
    contracts: createContractStore(db),
    components: createComponentStore(db),
    tokens: createAgentTokenStore(db),
    runbooks: createRunbookStore(db),
    audit: createAuditLog(),
    outbox: createNoticeOutbox(db),
  };
}
