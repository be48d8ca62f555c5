// Logging in and out, who am I, and changing one's own password.
import type { Actor } from "../access/actor.js";
import { AppError } from "../shared/errors.js";
import { issueCredential } from "./credentials.js";
import type { AccountsDeps } from "./deps.js";
import type { LoginThrottle } from "./login-throttle.js";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords.js";
import { toUserView, type UserView } from "./users.js";

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserView;
  mustChangePassword: boolean;
}

/**
 * Checks the password (against a dummy hash for unknown e-mails, so timing does not tell
 * them apart) under the throttle, and issues a session valid for `sessionTtlMs`.
 */
export async function logIn(
  deps: Pick<AccountsDeps, "users" | "credentials"> & { throttle: LoginThrottle },
  input: { email: string; password: string; address: string; sessionTtlMs: number },
  now: Date,
): Promise<LoginResult> {
  await deps.throttle.assertAllowed(input.email, input.address, now);
  const user = await deps.users.findByEmail(input.email);
  const ok = await verifyPassword(
    user?.passwordHash ?? (await dummyPasswordHash()),
    input.password,
  );
  if (!user || !ok || user.disabledAt) {
    await deps.throttle.recordFailure(input.email, input.address, now);
    throw new AppError("UNAUTHORIZED", "wrong e-mail or password");
  }
  await deps.throttle.recordSuccess(input.email);
  const expiresAt = new Date(now.getTime() + input.sessionTtlMs);
  const { secret } = await issueCredential(deps, {
    kind: "session",
    userId: user.id,
    name: null,
    expiresAt,
  });
  return {
    token: secret,
    expiresAt,
    user: toUserView(user),
    mustChangePassword: user.mustChangePassword,
  };
}

/** Revokes the session (or API key) the actor is using. */
export async function logOut(
  deps: Pick<AccountsDeps, "credentials">,
  actor: Actor,
  now: Date,
): Promise<void> {
  await deps.credentials.revoke(actor.credentialId, now);
}

export async function whoAmI(
  deps: Pick<AccountsDeps, "users">,
  actor: Actor,
): Promise<UserView & { mustChangePassword: boolean }> {
  const user = await deps.users.find(actor.userId);
  if (!user) throw new AppError("UNAUTHORIZED", "the user of these credentials is gone");
  return { ...toUserView(user), mustChangePassword: user.mustChangePassword };
}

/**
 * Replaces the actor's password, clears "must change password" and revokes every other
 * session and API key; returns the ids revoked, to be announced after commit.
 */
export async function changePassword(
  deps: Pick<AccountsDeps, "uow" | "users" | "credentials" | "audit">,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  now: Date,
): Promise<string[]> {
  const user = await deps.users.find(actor.userId);
  if (!user) throw new AppError("UNAUTHORIZED", "the user of these credentials is gone");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError("VALIDATION", "current password is wrong", [
      { path: "currentPassword", message: "does not match" },
    ]);
  }
  if (input.newPassword === input.currentPassword)
    throw new AppError("VALIDATION", "the new password must differ", [
      { path: "newPassword", message: "must differ from the current password" },
    ]);
  const passwordHash = await hashPassword(input.newPassword);
  return deps.uow.transaction(async (tx) => {
    await deps.users.setPassword(tx, user.id, passwordHash, false);
    const ids = await deps.credentials.revokeAllOf(tx, user.id, now, actor.credentialId);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "user.password_change",
      entityType: "user",
      entityId: user.id,
      contractId: user.contractId,
      before: null,
      after: { credentialsRevoked: ids.length },
    });
    return ids;
  });
}
