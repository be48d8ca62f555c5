// Starts a Premium runbook task (SPEC 2, 4): only for a Premium contract, only against an
// ops runbook on file for that contract. A task naming an incident shows on its timeline.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { incidentTx } from "../incidents/incident-tx.js";
import { AppError, type ErrorIssue } from "../shared/errors.js";
import type { TaskDeps } from "./deps.js";
import { toTaskView } from "./views.js";

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
  const { tasks } = deps;
  return incidentTx(deps, async (tx, changes) => {
    const contract = await tasks.contract({ kind: "all" }, contractId, tx);
    if (contract.plan !== "premium")
      throw precondition(`runbook execution needs the premium plan (contract is ${contract.plan})`);
    if (contract.status !== "active") throw precondition(`contract is ${contract.status}`);
    const runbook = await tasks.runbook(tx, contractId, input.runbookId);
    if (runbook?.kind !== "ops") {
      const message = runbook
        ? `is an ${runbook.kind} runbook; tasks run against an ops runbook`
        : "no such runbook on file for this contract";
      throw precondition("an ops runbook on file is required", [{ path: "runbookId", message }]);
    }
    const issues: ErrorIssue[] = [];
    if (input.componentId && !(await tasks.componentExists(tx, contractId, input.componentId)))
      issues.push({ path: "componentId", message: "no such component in this contract" });
    const incident = input.incidentId
      ? await tasks.incident(tx, contractId, input.incidentId)
      : null;
    if (input.incidentId && !incident)
      issues.push({ path: "incidentId", message: "no such incident in this contract" });
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid runbook task", issues);

    const row = await tasks.insert(tx, {
      ...input,
      contractId,
      month: jstMonthOf(now.getTime()),
      startedAt: now,
      startedBy: actor.userId,
    });
    const view = toTaskView(row);
    await deps.audit.record(tx, {
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
      await changes.record(incident, {
        kind: "runbook_task_started",
        at: now,
        actor,
        note: input.note,
        data,
      });
    }
    return view;
  });
}
