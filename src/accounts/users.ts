// Users: creation (with a one-time password), disabling, enabling and password resets by an
// admin. Each revokes what it must and writes its audit row in the same transaction.
import { z } from "zod";
import { USER_ROLES, type Actor } from "../access/actor.js";
import type { UserEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import type { AccountsDeps } from "./deps.js";
import { generatePassword, hashPassword } from "./passwords.js";

type Deps = Pick<AccountsDeps, "uow" | "users" | "credentials" | "audit">;

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

/** The password hash of a new user, and the one-time password when none was given. */
export async function newUserPassword(
  given: string | undefined,
): Promise<{ passwordHash: string; oneTimePassword: string | null }> {
  const oneTimePassword = given ? null : generatePassword();
  return { passwordHash: await hashPassword(given ?? oneTimePassword!), oneTimePassword };
}

/** Creates a user; without a given password a one-time password is generated and returned. */
export async function createUser(
  deps: Pick<Deps, "uow" | "users" | "audit">,
  actor: Actor | "system",
  input: NewUser,
  now: Date,
): Promise<{ user: UserView; oneTimePassword: string | null }> {
  const password = await newUserPassword(input.password);
  return deps.uow.transaction((tx) => createUserIn(deps, tx, actor, input, password, now));
}

/** `createUser` inside a transaction the caller holds (the first start's admin). */
export async function createUserIn(
  deps: Pick<Deps, "users" | "audit">,
  tx: Tx,
  actor: Actor | "system",
  input: NewUser,
  password: { passwordHash: string; oneTimePassword: string | null },
  now: Date,
): Promise<{ user: UserView; oneTimePassword: string | null }> {
  if (input.contractId && !(await deps.users.contractExists(tx, input.contractId))) {
    throw new AppError("VALIDATION", "unknown contract", [
      { path: "contractId", message: "no such contract" },
    ]);
  }
  if (await deps.users.emailTaken(tx, input.email))
    throw conflict("a user with this e-mail exists");
  const row = await deps.users.create(tx, {
    email: input.email,
    displayName: input.displayName,
    role: input.role,
    contractId: input.contractId,
    language: input.language,
    passwordHash: password.passwordHash,
    mustChangePassword: password.oneTimePassword !== null,
  });
  const user = toUserView(row);
  await deps.audit.record(tx, userAudit(actor, now, "user.create", row, null, user));
  return { user, oneTimePassword: password.oneTimePassword };
}

const userAudit = (
  actor: Actor | "system",
  at: Date,
  action: string,
  row: UserEntity,
  before: unknown,
  after: unknown,
) => ({
  actor,
  at,
  action,
  entityType: "user",
  entityId: row.id,
  contractId: row.contractId,
  before,
  after,
});

async function findUser(deps: Pick<Deps, "users">, tx: Tx, id: string): Promise<UserEntity> {
  const row = await deps.users.find(id, tx);
  if (!row) throw notFound("user");
  return row;
}

/** Disables the user and revokes every session and API key; idempotent. */
export async function disableUser(
  deps: Deps,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<UserView> {
  return deps.uow.transaction(async (tx) => {
    const row = await findUser(deps, tx, userId);
    if (actor !== "system" && row.id === actor.userId)
      throw new AppError("PRECONDITION_FAILED", "you cannot disable yourself");
    const before = toUserView(row);
    row.disabledAt ??= now;
    await deps.users.save(tx, row);
    const revoked = await deps.credentials.revokeAllOf(tx, userId, now);
    const after = toUserView(row);
    await deps.audit.record(
      tx,
      userAudit(actor, now, "user.disable", row, before, {
        ...after,
        credentialsRevoked: revoked.length,
      }),
    );
    return after;
  });
}

/** Re-enables a disabled user (credentials stay revoked: they log in again). */
export async function enableUser(
  deps: Pick<Deps, "uow" | "users" | "audit">,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<UserView> {
  return deps.uow.transaction(async (tx) => {
    const row = await findUser(deps, tx, userId);
    const before = toUserView(row);
    row.disabledAt = null;
    await deps.users.save(tx, row);
    const after = toUserView(row);
    await deps.audit.record(tx, userAudit(actor, now, "user.enable", row, before, after));
    return after;
  });
}

/**
 * Sets a new one-time password the user must change at next login, and revokes every
 * session and API key of the user. Returns the password (shown once).
 */
export async function resetPassword(
  deps: Deps,
  actor: Actor | "system",
  userId: string,
  now: Date,
): Promise<{ user: UserView; oneTimePassword: string }> {
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return deps.uow.transaction(async (tx) => {
    const row = await findUser(deps, tx, userId);
    row.passwordHash = passwordHash;
    row.mustChangePassword = true;
    await deps.users.save(tx, row);
    const revoked = await deps.credentials.revokeAllOf(tx, userId, now);
    await deps.audit.record(
      tx,
      userAudit(actor, now, "user.password_reset", row, null, {
        mustChangePassword: true,
        credentialsRevoked: revoked.length,
      }),
    );
    return { user: toUserView(row), oneTimePassword };
  });
}

export async function listUsers(
  deps: Pick<Deps, "users">,
  page: { limit: number; offset: number },
) {
  const { rows, total } = await deps.users.list(page);
  return { items: rows.map(toUserView), total, ...page };
}
