// Starts a Premium runbook task (SPEC 2, 4): only for a Premium contract, only against an
// ops runbook on file for that contract. A task naming an incident shows on its timeline.
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { txOf } from "../db/unit-of-work.js";
import { getContract } from "../contracts/scoped.js";
import {
  ComponentEntity,
  IncidentEntity,
  RunbookEntity,
  RunbookTaskEntity,
} from "../db/entities/index.js";
import { jstMonthOf } from "../domain/time/jst.js";
import type { IncidentChange } from "../incidents/events.js";
import { IncidentHub } from "../incidents/hub.js";
import { createTimelineStore } from "../incidents/timeline.store.js";
import { AppError, type ErrorIssue } from "../shared/errors.js";
import { toTaskView } from "./views.js";

const timeline = createTimelineStore();

export interface TaskDeps {
  db: DataSource;
  /** Absent where no incident engine runs: timeline rows are still written, nobody is told. */
  hub?: IncidentHub;
}

export const StartTask = z.strictObject({
  runbookId: z.uuid().describe("an ops runbook of the contract"),
  componentId: z.uuid().nullable().default(null),
  incidentId: z.uuid().nullable().default(null),
  note: z.string().trim().min(1).max(2000).nullable().default(null),
});

const precondition = (message: string, issues: ErrorIssue[] = []) =>
  new AppError("PRECONDITION_FAILED", message, issues);

export async function startTask(
  deps: TaskDeps,
  actor: Actor,
  contractId: string,
  input: z.infer<typeof StartTask>,
  now: Date,
) {
  const hub = deps.hub ?? new IncidentHub();
  const changes: IncidentChange[] = [];
  const view = await deps.db.transaction(async (tx) => {
    const contract = await getContract(tx, { kind: "all" }, contractId);
    if (contract.plan !== "premium")
      throw precondition(`runbook execution needs the premium plan (contract is ${contract.plan})`);
    if (contract.status !== "active") throw precondition(`contract is ${contract.status}`);
    const runbook = await tx.findOneBy(RunbookEntity, { id: input.runbookId, contractId });
    if (runbook?.kind !== "ops") {
      const message = runbook
        ? `is an ${runbook.kind} runbook; tasks run against an ops runbook`
        : "no such runbook on file for this contract";
      throw precondition("an ops runbook on file is required", [{ path: "runbookId", message }]);
    }
    const issues: ErrorIssue[] = [];
    if (
      input.componentId &&
      !(await tx.existsBy(ComponentEntity, { id: input.componentId, contractId }))
    )
      issues.push({ path: "componentId", message: "no such component in this contract" });
    const incident = input.incidentId
      ? await tx.findOneBy(IncidentEntity, { id: input.incidentId, contractId })
      : null;
    if (input.incidentId && !incident)
      issues.push({ path: "incidentId", message: "no such incident in this contract" });
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid runbook task", issues);

    const row = await tx.save(
      tx.create(RunbookTaskEntity, {
        ...input,
        contractId,
        month: jstMonthOf(now.getTime()),
        startedAt: now,
        startedBy: actor.userId,
      }),
    );
    const view = toTaskView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "runbook_task.start",
      entityType: "runbook_task",
      entityId: row.id,
      contractId,
      before: null,
      after: view,
    });
    if (incident) {
      const data = { taskId: row.id, runbookId: runbook.id, runbook: runbook.name };
      changes.push(
        await timeline.append(txOf(tx), incident, {
          kind: "runbook_task_started",
          at: now,
          actor,
          note: input.note,
          data,
        }),
      );
    }
    // Recorded, now published: the hub's in-transaction listeners commit with the task.
    await hub.inTransaction(txOf(tx), changes);
    return view;
  });
  hub.afterCommit(changes);
  return view;
}
