// Shift hand-over notes: what the engineer going off call tells the next one.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { AppError } from "../shared/errors.js";
import type { OncallDeps } from "./deps.js";
import type { OncallStore } from "./oncall.store.js";
import { toHandoverNoteView } from "./views.js";

export const NewHandoverNote = z.strictObject({
  note: z.string().trim().min(1).max(10_000),
  rotationId: z.uuid().nullable().default(null),
});

export async function addHandoverNote(
  deps: OncallDeps,
  actor: Actor,
  input: z.infer<typeof NewHandoverNote>,
  now: Date,
) {
  const { oncall } = deps;
  return deps.uow.transaction(async (tx) => {
    if (input.rotationId && !(await oncall.findRotation(input.rotationId, tx)))
      throw new AppError("VALIDATION", "invalid hand-over note", [
        { path: "rotationId", message: "no such rotation" },
      ]);
    const row = await oncall.insertHandoverNote(tx, { ...input, authorId: actor.userId });
    const view = toHandoverNoteView(row);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "oncall.handover_note.create",
      entityType: "oncall_handover_note",
      entityId: row.id,
      contractId: null,
      before: null,
      after: view,
    });
    return view;
  });
}

/** Newest first, optionally of one rotation. */
export async function listHandoverNotes(
  deps: { oncall: OncallStore },
  query: { rotationId?: string; limit: number; offset: number },
) {
  const { rows, total } = await deps.oncall.listHandoverNotes(query);
  return { items: rows.map(toHandoverNoteView), total, limit: query.limit, offset: query.offset };
}
