import type { EntityManager } from "typeorm";
import type { Actor } from "../access/actor.js";
import { AuditLogEntity } from "../db/entities/index.js";

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

/** Written with the caller's transaction manager, so the audit row commits with the change. */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  const actor = entry.actor;
  const row = manager.create(AuditLogEntity, {
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
  });
  await manager.save(AuditLogEntity, row);
}
