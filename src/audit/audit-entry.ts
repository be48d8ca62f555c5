// What an audit row says, and the port that writes it in the caller's transaction. Pure:
// the TypeORM writer is in audit.store.ts, an in-memory one in testing/.
import type { Actor } from "../access/actor.js";
import type { AuditLogEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";

export interface AuditEntry {
  actor: Actor | "system";
  at: Date;
  action: string;
  entityType: string;
  entityId: string;
  contractId: string | null;
  before: unknown;
  after: unknown;
  requestId?: string | null;
}

/** Writes audit rows with the caller's transaction, so a row commits with its change. */
export interface AuditLog {
  record(tx: Tx, entry: AuditEntry): Promise<void>;
}

export type AuditRow = Omit<AuditLogEntity, "id">;

/** The stored row of an entry: who acted (user, API key or the platform) and the request. */
export function toAuditRow(entry: AuditEntry): AuditRow {
  const actor = entry.actor;
  return {
    at: entry.at,
    actorType: actor === "system" ? "system" : actor.via === "api_key" ? "api_key" : "user",
    actorId: actor === "system" ? null : actor.userId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    contractId: entry.contractId,
    before: entry.before === undefined ? null : (entry.before as Record<string, unknown>),
    after: entry.after === undefined ? null : (entry.after as Record<string, unknown>),
    requestId: entry.requestId ?? (actor === "system" ? null : (actor.requestId ?? null)),
  };
}
