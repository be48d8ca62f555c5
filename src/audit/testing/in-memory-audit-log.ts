// An audit log for unit tests: keeps the rows it would have written, in order.
import type { Tx } from "../../db/unit-of-work.js";
import { toAuditRow, type AuditEntry, type AuditLog, type AuditRow } from "../audit-entry.js";

export class InMemoryAuditLog implements AuditLog {
  readonly rows: AuditRow[] = [];

  record(_tx: Tx, entry: AuditEntry): Promise<void> {
    this.rows.push(toAuditRow(entry));
    return Promise.resolve();
  }

  /** The actions written, in order (what most tests assert). */
  actions(): string[] {
    return this.rows.map((r) => r.action);
  }
}
