// Rotation and override management (issue 5). Members must be enabled staff users; each
// change is audited in its transaction.
import type { DataSource, EntityManager } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { OncallOverrideEntity, OncallRotationEntity } from "../db/entities/index.js";
import { AppError, notFound } from "../shared/errors.js";
import { assertOncallUsers, getRotation } from "./oncall-store.js";
import { Instant, OncallLine, toOverrideView, toRotationView } from "./views.js";

type Deps = { db: DataSource };

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

const members = (ids: readonly string[]) =>
  ids.map((userId, i) => ({ path: `memberIds[${i}]`, userId }));

const audit = (
  actor: Actor,
  at: Date,
  action: string,
  id: string,
  before: unknown,
  after: unknown,
) => ({
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
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof NewRotation>,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    await assertOncallUsers(tx, members(input.memberIds));
    const row = await tx.save(
      tx.create(OncallRotationEntity, {
        ...input,
        startsAt: new Date(input.startsAt),
        createdBy: actor.userId,
      }),
    );
    const view = toRotationView(row);
    await recordAudit(tx, audit(actor, now, "oncall.rotation.create", row.id, null, view));
    return view;
  });
}

export async function updateRotation(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof RotationPatch>,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const row = await getRotation(tx, id, { lock: true });
    const before = toRotationView(row);
    if (input.memberIds) await assertOncallUsers(tx, members(input.memberIds));
    Object.assign(row, {
      ...input,
      ...(input.startsAt ? { startsAt: new Date(input.startsAt) } : {}),
    });
    const after = toRotationView(await tx.save(row));
    await recordAudit(tx, audit(actor, now, "oncall.rotation.update", id, before, after));
    return after;
  });
}

/** Deletes the rotation with its overrides; hand-over notes stay (they are history). */
export async function deleteRotation(deps: Deps, actor: Actor, id: string, now: Date) {
  await deps.db.transaction(async (tx) => {
    const row = await getRotation(tx, id, { lock: true });
    const overrides = await tx.findBy(OncallOverrideEntity, { rotationId: id });
    await tx.delete(OncallOverrideEntity, { rotationId: id });
    await tx.delete(OncallRotationEntity, { id });
    const before = { ...toRotationView(row), overrides: overrides.map(toOverrideView) };
    await recordAudit(tx, audit(actor, now, "oncall.rotation.delete", id, before, null));
  });
}

export async function addOverride(
  deps: Deps,
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
  return deps.db.transaction(async (tx) => {
    await getRotation(tx, rotationId);
    await assertOncallUsers(tx, [{ path: "userId", userId: input.userId }]);
    const row = await tx.save(
      tx.create(OncallOverrideEntity, {
        rotationId,
        userId: input.userId,
        startsAt,
        endsAt,
        note: input.note,
        createdBy: actor.userId,
      }),
    );
    const view = toOverrideView(row);
    await recordAudit(tx, {
      ...audit(actor, now, "oncall.override.create", row.id, null, view),
      entityType: "oncall_override",
    });
    return view;
  });
}

export async function deleteOverride(deps: Deps, actor: Actor, id: string, now: Date) {
  await deps.db.transaction(async (tx: EntityManager) => {
    const row = await tx.findOne(OncallOverrideEntity, {
      where: { id },
      lock: { mode: "pessimistic_write" },
    });
    if (!row) throw notFound("override");
    await tx.delete(OncallOverrideEntity, { id });
    await recordAudit(tx, {
      ...audit(actor, now, "oncall.override.delete", id, toOverrideView(row), null),
      entityType: "oncall_override",
    });
  });
}
