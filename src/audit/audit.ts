// The audit log's public face. Use cases take an `AuditLog` (typeormAuditLog in production,
// InMemoryAuditLog in unit tests) and write with their `Tx`; `recordAudit(manager, entry)`
// remains for code that still holds an EntityManager.
export { toAuditRow, type AuditEntry, type AuditLog, type AuditRow } from "./audit-entry.js";
export { recordAudit, typeormAuditLog } from "./audit.store.js";
