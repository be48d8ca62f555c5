// Rotation and override management (issue 5). Members must be enabled staff users; each
// change is audited in its transaction.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import type { AuditEntry } from "../audit/audit.js";
import { AppError, notFound } from "../shared/errors.js";
import type { OncallDeps } from "./deps.js";
import { assertOncallUsers, memberRefs } from "./oncall-users.js";
import { Instant, OncallLine, toOverrideView, toRotationView } from "./views.js";

export const NewRotation = z.strictObject({
  name: z.string().trim().min(1).max(200),
  line: OncallLine,
  memberIds: z.array(z.uuid()).min(1).max(100).describe("user ids in rotation order"),
  startsAt: Instant,
  shiftHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 31),
});
export const RotationPatch = NewRotation.partial().refine((p) => Object.keys(p).length > 0, {
  message: "give at least one field to change",
});
export const NewOverride = z.strictObject({
  userId: z.uuid(),
  startsAt: Instant,
  endsAt: Instant,
  note: z.string().trim().min(1).max(2000).nullable().default(null),
});

const audit = (
  actor: Actor,
  at: Date,
  action: string,
  id: string,
  before: unknown,
  after: unknown,
): AuditEntry => ({
  actor,
  at,
  action,
  entityType: "oncall_rotation",
  entityId: id,
  contractId: null,
  before,
  after,
});

export async function createRotation(
  deps: OncallDeps,
  actor: Actor,
  input: z.infer<typeof NewRotation>,
  now: Date,
) {
  const { oncall } = deps;
  return deps.uow.transaction(async (tx) => {
    await assertOncallUsers(oncall, tx, memberRefs(input.memberIds));
    const row = await oncall.insertRotation(tx, {
      ...input,
      startsAt: new Date(input.startsAt),
      createdBy: actor.userId,
    });
    const view = toRotationView(row);
    await deps.audit.record(tx, audit(actor, now, "oncall.rotation.create", row.id, null, view));
    return view;
  });
}

export async function updateRotation(
  deps: OncallDeps,
  actor: Actor,
  id: string,
  input: z.infer<typeof RotationPatch>,
  now: Date,
) {
  const { oncall } = deps;
  return deps.uow.transaction(async (tx) => {
    const row = await oncall.findRotation(id, tx, { lock: true });
    if (!row) throw notFound("rotation");
    const before = toRotationView(row);
    if (input.memberIds) await assertOncallUsers(oncall, tx, memberRefs(input.memberIds));
    const changed = {
      ...row,
      ...input,
      ...(input.startsAt ? { startsAt: new Date(input.startsAt) } : {}),
    } as typeof row;
    const after = toRotationView(await oncall.updateRotation(tx, changed));
    await deps.audit.record(tx, audit(actor, now, "oncall.rotation.update", id, before, after));
    return after;
  });
}

/** Deletes the rotation with its overrides; hand-over notes stay (they are history). */
export async function deleteRotation(deps: OncallDeps, actor: Actor, id: string, now: Date) {
  const { oncall } = deps;
  await deps.uow.transaction(async (tx) => {
    const row = await oncall.findRotation(id, tx, { lock: true });
    if (!row) throw notFound("rotation");
    const overrides = await oncall.listOverrides(id, tx);
    await oncall.deleteRotation(tx, id);
    const before = { ...toRotationView(row), overrides: overrides.map(toOverrideView) };
    await deps.audit.record(tx, audit(actor, now, "oncall.rotation.delete", id, before, null));
  });
}

export async function addOverride(
  deps: OncallDeps,
  actor: Actor,
  rotationId: string,
  input: z.infer<typeof NewOverride>,
  now: Date,
) {
  const [startsAt, endsAt] = [new Date(input.startsAt), new Date(input.endsAt)];
  if (endsAt.getTime() <= startsAt.getTime())
    throw new AppError("VALIDATION", "invalid override", [
      { path: "endsAt", message: "must be after startsAt" },
    ]);
  const { oncall } = deps;
  return deps.uow.transaction(async (tx) => {
    if (!(await oncall.findRotation(rotationId, tx))) throw notFound("rotation");
    await assertOncallUsers(oncall, tx, [{ path: "userId", userId: input.userId }]);
    const row = await oncall.insertOverride(tx, {
      rotationId,
      userId: input.userId,
      startsAt,
      endsAt,
      note: input.note,
      createdBy: actor.userId,
    });
    const view = toOverrideView(row);
    await deps.audit.record(tx, {
      ...audit(actor, now, "oncall.override.create", row.id, null, view),
      entityType: "oncall_override",
    });
    return view;
  });
}

export async function deleteOverride(deps: OncallDeps, actor: Actor, id: string, now: Date) {
  const { oncall } = deps;
  await deps.uow.transaction(async (tx) => {
    const row = await oncall.findOverride(id, tx, { lock: true });
    if (!row) throw notFound("override");
    await oncall.deleteOverride(tx, id);
    await deps.audit.record(tx, {
      ...audit(actor, now, "oncall.override.delete", id, toOverrideView(row), null),
      entityType: "oncall_override",
    });
  });
}
