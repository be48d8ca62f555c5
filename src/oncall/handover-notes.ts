// Shift hand-over notes: what the engineer going off call tells the next one.
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { OncallHandoverNoteEntity, OncallRotationEntity } from "../db/entities/index.js";
import { AppError } from "../shared/errors.js";
import { toHandoverNoteView } from "./views.js";

export const NewHandoverNote = z.strictObject({
  note: z.string().trim().min(1).max(10_000),
  rotationId: z.uuid().nullable().default(null),
});

export async function addHandoverNote(
  deps: { db: DataSource },
  actor: Actor,
  input: z.infer<typeof NewHandoverNote>,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    if (input.rotationId && !(await tx.existsBy(OncallRotationEntity, { id: input.rotationId })))
      throw new AppError("VALIDATION", "invalid hand-over note", [
        { path: "rotationId", message: "no such rotation" },
      ]);
    const row = await tx.save(
      tx.create(OncallHandoverNoteEntity, { ...input, authorId: actor.userId }),
    );
    const view = toHandoverNoteView(row);
    await recordAudit(tx, {
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
