// Persistence of the billing records beside the close: outages, payments, liability claims,
// service fees, manual adjustments, tariff versions and invoice reads. Use cases and routes
// speak to `BillingStore`; only this file knows TypeORM. Writes take the `Tx` of the use
// case's unit of work, so each change commits with its audit row; reads without a `Tx` use
// the pool. Fetch-or-throw lookups are scoped to the tenant: another contract's row is
// "not found", never "forbidden".
import {
  And,
  IsNull,
  LessThan,
  MoreThanOrEqual,
  Not,
  type DataSource,
  type FindOptionsWhere,
} from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import { getContract } from "../contracts/contract.store.js";
import {
  InvoiceAdjustmentEntity,
  InvoiceEntity,
  LiabilityCreditEntity,
  OutageEntity,
  PaymentEntity,
  ServiceFeeEntity,
  TariffVersionEntity,
  type ContractEntity,
} from "../db/entities/index.js";
import { managerOf, typeormUnitOfWork, type Tx, type UnitOfWork } from "../db/unit-of-work.js";
import type { Tariff } from "../domain/billing/tariff.js";
import { notFound } from "../shared/errors.js";
import { storedTariffVersions } from "./close/close.store.js";

export interface Page<T> {
  rows: T[];
  total: number;
}
export interface Paging {
  limit: number;
  offset: number;
}

export interface OutageQuery extends Paging {
  open?: boolean | undefined;
  scope?: string | undefined;
  /** A cause, or "unclassified" for outages without one yet. */
  cause?: string | undefined;
  knownFrom?: Date | undefined;
  knownBefore?: Date | undefined;
}

export type NewOutageRow = Pick<
  OutageEntity,
  "contractId" | "scope" | "cause" | "knownAt" | "restoredAt" | "description" | "incidentId"
> & { createdBy: string | null };
export type NewPaymentRow = Pick<PaymentEntity, "invoiceId" | "paidDate" | "amountYen"> & {
  createdBy: string | null;
};
export type NewLiabilityCreditRow = Pick<
  LiabilityCreditEntity,
  "contractId" | "damageDate" | "claimDate" | "amountYen" | "description"
> & { createdBy: string | null };
export type NewServiceFeeRow = Pick<
  ServiceFeeEntity,
  "contractId" | "name" | "monthlyYen" | "fromMonth" | "untilMonth"
> & { createdBy: string | null };
export type NewAdjustmentRow = Pick<
  InvoiceAdjustmentEntity,
  "contractId" | "month" | "reason" | "amountYen" | "taxable" | "approvedBy"
> & { createdBy: string | null };
export interface NewTariffRow {
  version: string;
  effectiveFrom: string;
  tariff: Record<string, unknown>;
  createdBy: string | null;
}

export interface BillingStore {
  /** The contract in scope, or NOT_FOUND; `lock` holds it until the transaction ends. */
  contract(
    tx: Tx | undefined,
    scope: ContractScope,
    id: string,
    opts?: { lock?: boolean },
  ): Promise<ContractEntity>;
  outage(
    tx: Tx | undefined,
    scope: ContractScope,
    id: string,
    opts?: { lock?: boolean },
  ): Promise<OutageEntity>;
  outagesOf(contractId: string, q: OutageQuery): Promise<Page<OutageEntity>>;
  addOutage(tx: Tx, row: NewOutageRow): Promise<OutageEntity>;
  /** Writes the changed fields of a row read with `outage(tx, …, { lock: true })`. */
  saveOutage(tx: Tx, row: OutageEntity): Promise<OutageEntity>;

  invoice(tx: Tx | undefined, scope: ContractScope, id: string): Promise<InvoiceEntity>;
  /** Every revision, newest month first. */
  invoices(
    q: Paging & { contractId?: string | undefined; month?: string | undefined },
  ): Promise<Page<InvoiceEntity>>;

  addPayment(tx: Tx, row: NewPaymentRow): Promise<PaymentEntity>;
  paymentsOf(invoiceId: string): Promise<PaymentEntity[]>;
  addLiabilityCredit(tx: Tx, row: NewLiabilityCreditRow): Promise<LiabilityCreditEntity>;
  liabilityCreditsOf(contractId: string): Promise<LiabilityCreditEntity[]>;
  addServiceFee(tx: Tx, row: NewServiceFeeRow): Promise<ServiceFeeEntity>;
  /** The fee locked until the transaction ends, or NOT_FOUND. */
  serviceFee(tx: Tx, id: string): Promise<ServiceFeeEntity>;
  saveServiceFee(tx: Tx, row: ServiceFeeEntity): Promise<ServiceFeeEntity>;
  serviceFeesOf(contractId: string): Promise<ServiceFeeEntity[]>;
  addAdjustment(tx: Tx, row: NewAdjustmentRow): Promise<InvoiceAdjustmentEntity>;
  adjustmentsOf(contractId: string): Promise<InvoiceAdjustmentEntity[]>;

  /** The built-in tariff versions with the stored ones over them, oldest first. */
  tariffVersions(tx?: Tx): Promise<Tariff[]>;
  /** Versions stored through the API (the rest are built in). */
  storedTariffVersionNames(): Promise<Set<string>>;
  /** Serialises tariff additions until the transaction ends. */
  lockTariffs(tx: Tx): Promise<void>;
  addTariffVersion(tx: Tx, row: NewTariffRow): Promise<TariffVersionEntity>;

  /** The audit row, committed with the change it describes. */
  audit(tx: Tx, entry: AuditEntry): Promise<void>;
}

/** What billing use cases take: the store and the unit of work its writes share. */
export interface BillingDeps {
  uow: UnitOfWork;
  store: BillingStore;
}

const scoped = (scope: ContractScope, id: string) =>
  scope.kind === "all" ? { id } : { id, contractId: scope.contractId };

function outageWhere(contractId: string, q: OutageQuery): FindOptionsWhere<OutageEntity> {
  const [from, before] = [
    q.knownFrom && MoreThanOrEqual(q.knownFrom),
    q.knownBefore && LessThan(q.knownBefore),
  ];
  const knownAt = from && before ? And(from, before) : (from ?? before);
  return {
    contractId,
    ...(q.scope ? { scope: q.scope } : {}),
    ...(q.cause ? { cause: q.cause === "unclassified" ? IsNull() : q.cause } : {}),
    ...(q.open === undefined ? {} : { restoredAt: q.open ? IsNull() : Not(IsNull()) }),
    ...(knownAt ? { knownAt } : {}),
  };
}

export function createBillingStore(db: DataSource): BillingStore {
  const m = (tx: Tx | undefined) => (tx ? managerOf(tx) : db.manager);
  const insert = <E extends object>(tx: Tx, entity: new () => E, row: object) => {
    const manager = managerOf(tx);
    return manager.save(manager.create(entity, row as E));
  };
  return {
    contract: (tx, scope, id, opts) => getContract(m(tx), scope, id, opts),
    async outage(tx, scope, id, opts = {}) {
      const lock = opts.lock ? { lock: { mode: "pessimistic_write" as const } } : {};
      const row = await m(tx).findOne(OutageEntity, { where: scoped(scope, id), ...lock });
      if (!row) throw notFound("outage");
      return row;
    },
    async outagesOf(contractId, q) {
      const [rows, total] = await db.getRepository(OutageEntity).findAndCount({
        where: outageWhere(contractId, q),
        order: { knownAt: "DESC", id: "ASC" },
        take: q.limit,
        skip: q.offset,
      });
      return { rows, total };
    },
    addOutage: (tx, row) => insert(tx, OutageEntity, row),
    saveOutage: (tx, row) => managerOf(tx).save(row),

    async invoice(tx, scope, id) {
      const row = await m(tx).findOneBy(InvoiceEntity, scoped(scope, id));
      if (!row) throw notFound("invoice");
      return row;
    },
    async invoices(q) {
      const [rows, total] = await db.getRepository(InvoiceEntity).findAndCount({
        where: {
          ...(q.contractId ? { contractId: q.contractId } : {}),
          ...(q.month ? { month: q.month } : {}),
        },
        order: { month: "DESC", contractId: "ASC", revision: "DESC" },
        take: q.limit,
        skip: q.offset,
      });
      return { rows, total };
    },

    addPayment: (tx, row) => insert(tx, PaymentEntity, row),
    paymentsOf: (invoiceId) =>
      db
        .getRepository(PaymentEntity)
        .find({ where: { invoiceId }, order: { paidDate: "ASC", createdAt: "ASC" } }),
    addLiabilityCredit: (tx, row) => insert(tx, LiabilityCreditEntity, row),
    liabilityCreditsOf: (contractId) =>
      db.getRepository(LiabilityCreditEntity).find({
        where: { contractId },
        order: { damageDate: "DESC", createdAt: "DESC" },
      }),
    addServiceFee: (tx, row) => insert(tx, ServiceFeeEntity, row),
    async serviceFee(tx, id) {
      const row = await managerOf(tx).findOne(ServiceFeeEntity, {
        where: { id },
        lock: { mode: "pessimistic_write" },
      });
      if (!row) throw notFound("service fee");
      return row;
    },
    saveServiceFee: (tx, row) => managerOf(tx).save(row),
    serviceFeesOf: (contractId) =>
      db.getRepository(ServiceFeeEntity).find({
        where: { contractId },
        order: { fromMonth: "ASC", createdAt: "ASC" },
      }),
    addAdjustment: (tx, row) => insert(tx, InvoiceAdjustmentEntity, row),
    adjustmentsOf: (contractId) =>
      db.getRepository(InvoiceAdjustmentEntity).find({
        where: { contractId },
        order: { month: "ASC", createdAt: "ASC" },
      }),

    tariffVersions: (tx) => storedTariffVersions(m(tx)),
    storedTariffVersionNames: async () =>
      new Set((await db.getRepository(TariffVersionEntity).find()).map((r) => r.version)),
    lockTariffs: async (tx) => {
      await managerOf(tx).query("SELECT pg_advisory_xact_lock(hashtext('msp.tariff_versions'))");
    },
    addTariffVersion: (tx, row) => insert(tx, TariffVersionEntity, row),

    audit: (tx, entry) => recordAudit(managerOf(tx), entry),
  };
}

/** Composition: the TypeORM store and unit of work over one data source. */
export function billingDeps(db: DataSource): BillingDeps {
  return { uow: typeormUnitOfWork(db), store: createBillingStore(db) };
}
