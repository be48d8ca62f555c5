// Finishes a runbook task once: minutes = elapsed rounded up, at least 1. The conditional
// update ("only while unfinished") makes a second or concurrent finish a CONFLICT.
import { IsNull } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { txOf } from "../db/unit-of-work.js";
import { IncidentEntity, RunbookEntity, RunbookTaskEntity } from "../db/entities/index.js";
import { taskMinutes } from "../domain/runbook-tasks/allowance.js";
import type { IncidentChange } from "../incidents/events.js";
import { IncidentHub } from "../incidents/hub.js";
import { createTimelineStore } from "../incidents/timeline.store.js";
import { conflict, notFound } from "../shared/errors.js";
import type { TaskDeps } from "./start-task.js";
import { toTaskView } from "./views.js";

const timeline = createTimelineStore();

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
  const hub = deps.hub ?? new IncidentHub();
  const changes: IncidentChange[] = [];
  const view = await deps.db.transaction(async (tx) => {
    const task = await tx.findOneBy(RunbookTaskEntity, { id });
    if (!task) throw notFound("runbook task");
    const before = toTaskView(task);
    const minutes = taskMinutes(task.startedAt.getTime(), now.getTime());
    const note = input.note ? (task.note ? `${task.note}\n${input.note}` : input.note) : task.note;
    const done = await tx.update(
      RunbookTaskEntity,
      { id, finishedAt: IsNull() },
      { finishedAt: now, finishedBy: actor.userId, minutes, note },
    );
    if (done.affected !== 1) throw conflict("runbook task is already finished");
    const after = toTaskView(await tx.findOneByOrFail(RunbookTaskEntity, { id }));
    await recordAudit(tx, {
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
      ? await tx.findOneBy(IncidentEntity, { id: task.incidentId })
      : null;
    if (incident) {
      const runbook = await tx.findOneBy(RunbookEntity, { id: task.runbookId });
      changes.push(
        await timeline.append(txOf(tx), incident, {
          kind: "runbook_task_finished",
          at: now,
          actor,
          note: input.note ?? null,
          data: { taskId: id, runbookId: task.runbookId, runbook: runbook?.name ?? null, minutes },
        }),
      );
    }
    // Recorded, now published: the hub's in-transaction listeners commit with the task.
    await hub.inTransaction(txOf(tx), changes);
    return after;
  });
  hub.afterCommit(changes);
  return view;
}
