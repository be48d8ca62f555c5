import type { AuditLog } from "../audit/audit.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { OncallStore } from "./oncall.store.js";

/** What the on-call use cases need: their store, the audit log and a unit of work. */
export interface OncallDeps {
  uow: UnitOfWork;
  oncall: OncallStore;
  audit: AuditLog;
}
