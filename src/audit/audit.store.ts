// The audit log in PostgreSQL: writes in the caller's transaction, reads for /audit-log.
import type { DataSource, EntityManager } from "typeorm";
import { AuditLogEntity } from "../db/entities/index.js";
import { managerOf, txOf } from "../db/unit-of-work.js";
import { toAuditRow, type AuditEntry, type AuditLog } from "./audit-entry.js";

export interface AuditFilter {
  contractId?: string;
  entityType?: string;
  entityId?: string;
}

export interface AuditStore extends AuditLog {
  /** Newest first; `total` counts every matching row. */
  list(
    filter: AuditFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: AuditLogEntity[]; total: number }>;
}

/** Stateless: the transaction carries the connection. */
export const typeormAuditLog: AuditLog = {
  record: async (tx, entry) => {
    const m = managerOf(tx);
    await m.save(AuditLogEntity, m.create(AuditLogEntity, toAuditRow(entry)));
  },
};

export function createAuditStore(db: DataSource): AuditStore {
  return {
    record: (tx, entry) => typeormAuditLog.record(tx, entry),
    list: async (filter, { limit, offset }) => {
      const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
      const [rows, total] = await db
        .getRepository(AuditLogEntity)
        .findAndCount({ where, order: { id: "DESC" }, take: limit, skip: offset });
      return { rows, total };
    },
  };
}

/**
 * For code that still holds an EntityManager (not yet behind a store): the same row, in
 * that manager's transaction. New code takes an `AuditLog` and a `Tx`.
 */
export function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  return typeormAuditLog.record(txOf(manager), entry);
}
