import { z } from "zod";
import type {
  OncallHandoverNoteEntity,
  OncallOverrideEntity,
  OncallRotationEntity,
} from "../db/entities/index.js";
import { ONCALL_LINES } from "../domain/oncall/rotation.js";

export const Instant = z.iso.datetime({ offset: true });
export const OncallLine = z.enum(ONCALL_LINES);

export const OverrideView = z.object({
  id: z.uuid(),
  rotationId: z.uuid(),
  userId: z.uuid(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  note: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});
export type OverrideView = z.infer<typeof OverrideView>;
export const toOverrideView = (o: OncallOverrideEntity): OverrideView => ({
  id: o.id,
  rotationId: o.rotationId,
  userId: o.userId,
  startsAt: o.startsAt.toISOString(),
  endsAt: o.endsAt.toISOString(),
  note: o.note,
  createdBy: o.createdBy,
  createdAt: o.createdAt.toISOString(),
});

export const RotationView = z.object({
  id: z.uuid(),
  name: z.string(),
  line: OncallLine,
  memberIds: z.array(z.uuid()),
  startsAt: z.iso.datetime(),
  shiftHours: z.number().int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RotationView = z.infer<typeof RotationView>;
export const toRotationView = (r: OncallRotationEntity): RotationView => ({
  id: r.id,
  name: r.name,
  line: r.line as RotationView["line"],
  memberIds: r.memberIds,
  startsAt: r.startsAt.toISOString(),
  shiftHours: r.shiftHours,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const OnCallView = z
  .object({
    userId: z.uuid(),
    displayName: z.string(),
    rotationId: z.uuid(),
    overridden: z.boolean(),
  })
  .nullable();

export const HandoverNoteView = z.object({
  id: z.uuid(),
  rotationId: z.uuid().nullable(),
  authorId: z.uuid(),
  note: z.string(),
  createdAt: z.iso.datetime(),
});
export type HandoverNoteView = z.infer<typeof HandoverNoteView>;
export const toHandoverNoteView = (n: OncallHandoverNoteEntity): HandoverNoteView => ({
  id: n.id,
  rotationId: n.rotationId,
  authorId: n.authorId,
  note: n.note,
  createdAt: n.createdAt.toISOString(),
});
