import type { AuditEntry } from "../audit/audit.js";
import type { Tx, UnitOfWork } from "../db/unit-of-work.js";
import type { CredentialStore, ThrottleStore, UserStore } from "./account.store.js";

/** Audit rows, written in the caller's transaction so they commit with the change. */
export interface AuditLog {
  record(tx: Tx, entry: AuditEntry): Promise<void>;
}

/** The ports of the account use cases; each verb uses only the ones it names. */
export interface AccountsDeps {
  uow: UnitOfWork;
  users: UserStore;
  credentials: CredentialStore;
  throttles: ThrottleStore;
  audit: AuditLog;
}
