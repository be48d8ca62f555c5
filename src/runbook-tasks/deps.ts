import type { AuditLog } from "../audit/audit.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { IncidentHub } from "../incidents/hub.js";
import type { TimelineStore } from "../incidents/timeline.store.js";
import type { RunbookTaskStore } from "./runbook-task.store.js";

/**
 * What the runbook-task use cases need. A task naming an incident records on its timeline
 * through `incidentTx`, so the hub's listeners hear of it like any incident change.
 */
export interface TaskDeps {
  uow: UnitOfWork;
  tasks: RunbookTaskStore;
  audit: AuditLog;
  timeline: TimelineStore;
  hub: IncidentHub;
}
