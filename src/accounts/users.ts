import { IsNull, Not, type DataSource, type EntityManager } from "typeorm";
import { z } from "zod";
import { USER_ROLES, type Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { ContractEntity, CredentialEntity, UserEntity } from "../db/entities/index.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import { generatePassword, hashPassword } from "./passwords.js";

export const Language = z.enum(["ja", "en"]);
export const NewUser = z
  .strictObject({
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase()),
    displayName: z.string().trim().min(1).max(200),
    role: z.enum(USER_ROLES),
    contractId: z.uuid().nullable().default(null),
    language: Language.default("ja"),
    password: z.string().min(12).max(200).optional(),
  })
  .refine((u) => (u.role === "customer") === (u.contractId !== null), {
    message: "contractId is required for role customer and must be null for staff roles",
    path: ["contractId"],
  });
export type NewUser = z.infer<typeof NewUser>;

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  contractId: z.uuid().nullable(),
  language: Language,
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof UserView>;

export const toUserView = (u: UserEntity): UserView => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role as UserView["role"],
  contractId: u.contractId,
  language: u.language as UserView["language"],
  disabled: u.disabledAt !== null,
  createdAt: u.createdAt.toISOString(),
});

/** Creates a user; without a given password a one-time password is generated and returned. */
export async function createUser(
  db: DataSource | EntityManager,
  actor: Actor | "system",
  input: NewUser,
  now: Date,
): Promise<{ user: UserView; oneTimePassword: string | null }> {
  const oneTimePassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
  const manager = "manager" in db ? db.manager : db;
  return manager.transaction(async (tx) => {
    if (input.contractId && !(await tx.existsBy(ContractEntity, { id: input.contractId }))) {
      throw new AppError("VALIDATION", "unknown contract", [
        { path: "contractId", message: "no such contract" },
      ]);
    }
    if (await tx.existsBy(UserEntity, { email: input.email }))
      throw conflict("a user with this e-mail exists");
    const row = await tx.save(
      tx.create(UserEntity, {
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        contractId: input.contractId,
        language: input.language,
        passwordHash,
        mustChangePassword: oneTimePassword !== null,
      }),
    );
    const user = toUserView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.create",
      entityType: "user",
      entityId: row.id,
      contractId: row.contractId,
      before: null,
      after: user,
    });
    return { user, oneTimePassword };
  });
}

/**
 * Revokes the user's live sessions and API keys (all, or all but `keep`); returns the ids
 * revoked so the caller can publish them after commit.
 */
export async function revokeUserCredentials(
  tx: EntityManager,
  userId: string,
  now: Date,
  keep?: string,
): Promise<string[]> {
  const rows = await tx.find(CredentialEntity, {
    where: { userId, revokedAt: IsNull(), ...(keep ? { id: Not(keep) } : {}) },
    select: { id: true },
  });
  if (rows.length === 0) return [];
  await tx.update(
    CredentialEntity,
    { userId, revokedAt: IsNull(), ...(keep ? { id: Not(keep) } : {}) },
    { revokedAt: now },
  );
  return rows.map((r) => r.id);
}

/** Disables the user and revokes every session and API key; idempotent. */
export async function disableUser(
  db: DataSource,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<UserView> {
  return db.transaction(async (tx) => {
    const row = await tx.findOneBy(UserEntity, { id: userId });
    if (!row) throw notFound("user");
    if (actor !== "system" && row.id === actor.userId)
      throw new AppError("PRECONDITION_FAILED", "you cannot disable yourself");
    const before = toUserView(row);
    row.disabledAt ??= now;
    await tx.save(row);
    const revoked = await revokeUserCredentials(tx, userId, now);
    const after = toUserView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.disable",
      entityType: "user",
      entityId: userId,
      contractId: row.contractId,
      before,
      after: { ...after, credentialsRevoked: revoked.length },
    });
    return after;
  });
}

/** Re-enables a disabled user (credentials stay revoked: they log in again). */
export async function enableUser(
  db: DataSource,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<UserView> {
  return db.transaction(async (tx) => {
    const row = await tx.findOneBy(UserEntity, { id: userId });
    if (!row) throw notFound("user");
    const before = toUserView(row);
    row.disabledAt = null;
    await tx.save(row);
    const after = toUserView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.enable",
      entityType: "user",
      entityId: userId,
      contractId: row.contractId,
      before,
      after,
    });
    return after;
  });
}

/**
 * Sets a new one-time password the user must change at next login, and revokes every
 * session and API key of the user. Returns the password (shown once).
 */
export async function resetPassword(
  db: DataSource,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<{ user: UserView; oneTimePassword: string }> {
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return db.transaction(async (tx) => {
    const row = await tx.findOneBy(UserEntity, { id: userId });
    if (!row) throw notFound("user");
    row.passwordHash = passwordHash;
    row.mustChangePassword = true;
    await tx.save(row);
    const revoked = await revokeUserCredentials(tx, userId, now);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.password_reset",
      entityType: "user",
      entityId: userId,
      contractId: row.contractId,
      before: null,
      after: { mustChangePassword: true, credentialsRevoked: revoked.length },
    });
    return { user: toUserView(row), oneTimePassword };
  });
}
