// Reads on-call state for the pure rotation rules (src/domain/oncall). The incident engine
// calls loadRotations inside its routing transaction, so it takes the caller's manager.
import { In, type EntityManager } from "typeorm";
import { OncallOverrideEntity, OncallRotationEntity, UserEntity } from "../db/entities/index.js";
import type { OncallLine, Rotation, RotationOverride } from "../domain/oncall/rotation.js";
import { AppError, notFound, type ErrorIssue } from "../shared/errors.js";

export const toRotation = (r: OncallRotationEntity): Rotation => ({
  id: r.id,
  line: r.line as OncallLine,
  memberIds: r.memberIds,
  startsAtMs: r.startsAt.getTime(),
  shiftHours: r.shiftHours,
  createdAtMs: r.createdAt.getTime(),
});

export const toOverride = (o: OncallOverrideEntity): RotationOverride => ({
  rotationId: o.rotationId,
  userId: o.userId,
  startsAtMs: o.startsAt.getTime(),
  endsAtMs: o.endsAt.getTime(),
});

export async function loadRotations(
  m: EntityManager,
): Promise<{ rotations: Rotation[]; overrides: RotationOverride[] }> {
  const [rotations, overrides] = [
    await m.find(OncallRotationEntity, { order: { createdAt: "ASC", id: "ASC" } }),
    await m.find(OncallOverrideEntity, { order: { startsAt: "ASC", id: "ASC" } }),
  ];
  return { rotations: rotations.map(toRotation), overrides: overrides.map(toOverride) };
}

export async function getRotation(
  m: EntityManager,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<OncallRotationEntity> {
  const lock = opts.lock ? { lock: { mode: "pessimistic_write" as const } } : {};
  const row = await m.findOne(OncallRotationEntity, { where: { id }, ...lock });
  if (!row) throw notFound("rotation");
  return row;
}

/** Staff who may be on call; customers and disabled accounts may not. */
export const ONCALL_ROLES: readonly string[] = ["oncall", "noc", "admin"];

/**
 * Checks that every id names an enabled staff user; each problem names its field (e.g.
 * `memberIds[2]`) so the client knows which member to fix.
 */
export async function assertOncallUsers(
  m: EntityManager,
  ids: readonly { path: string; userId: string }[],
): Promise<Map<string, UserEntity>> {
  const users = await m.findBy(UserEntity, { id: In(ids.map((i) => i.userId)) });
  const byId = new Map(users.map((u) => [u.id, u]));
  const issues: ErrorIssue[] = [];
  const seen = new Set<string>();
  for (const { path, userId } of ids) {
    const user = byId.get(userId);
    if (!user) issues.push({ path, message: "no such user" });
    else if (!ONCALL_ROLES.includes(user.role))
      issues.push({ path, message: `user has role ${user.role}; needs oncall, noc or admin` });
    else if (user.disabledAt) issues.push({ path, message: "user is disabled" });
    else if (seen.has(userId)) issues.push({ path, message: "is listed twice" });
    seen.add(userId);
  }
  if (issues.length > 0) throw new AppError("VALIDATION", "invalid on-call user", issues);
  return byId;
}
