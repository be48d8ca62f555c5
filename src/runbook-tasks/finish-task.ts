// Finishes a runbook task once: minutes = elapsed rounded up, at least 1. The conditional
// update ("only while unfinished") makes a second or concurrent finish a CONFLICT.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { taskMinutes } from "../domain/runbook-tasks/allowance.js";
import { incidentTx } from "../incidents/incident-tx.js";
import { conflict, notFound } from "../shared/errors.js";
import type { TaskDeps } from "./deps.js";
import { toTaskView } from "./views.js";

export const FinishTask = z.strictObject({
  note: z.string().trim().min(1).max(2000).optional(),
});

export async function finishTask(
  deps: TaskDeps,
  actor: Actor,
  id: string,
  input: z.infer<typeof FinishTask>,
  now: Date,
) {
  const { tasks } = deps;
  return incidentTx(deps, async (tx, changes) => {
    const task = await tasks.find(tx, id);
    if (!task) throw notFound("runbook task");
    const before = toTaskView(task);
    const minutes = taskMinutes(task.startedAt.getTime(), now.getTime());
    const note = input.note ? (task.note ? `${task.note}\n${input.note}` : input.note) : task.note;
    const done = await tasks.finish(tx, id, {
      finishedAt: now,
      finishedBy: actor.userId,
      minutes,
      note,
    });
    if (!done) throw conflict("runbook task is already finished");
    const after = toTaskView(done);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "runbook_task.finish",
      entityType: "runbook_task",
      entityId: id,
      contractId: task.contractId,
      before,
      after,
    });
    const incident = task.incidentId
      ? await tasks.incident(tx, task.contractId, task.incidentId)
      : null;
    if (incident) {
      const runbook = await tasks.runbook(tx, task.contractId, task.runbookId);
      await changes.record(incident, {
        kind: "runbook_task_finished",
        at: now,
        actor,
        note: input.note ?? null,
        data: { taskId: id, runbookId: task.runbookId, runbook: runbook?.name ?? null, minutes },
      });
    }
    return after;
  });
}
