import type { AuditLog } from "../audit/audit.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { RunbookTaskStore, TaskTimeline } from "./runbook-task.store.js";

/** What the runbook-task use cases need. */
export interface TaskDeps {
  uow: UnitOfWork;
  tasks: RunbookTaskStore;
  audit: AuditLog;
  timeline: TaskTimeline;
}
