// Who may be on call: enabled staff. Each problem names its field (e.g. `memberIds[2]`) so
// the client knows which member to fix.
import type { Tx } from "../db/unit-of-work.js";
import { AppError, type ErrorIssue } from "../shared/errors.js";
import type { OncallStore, OncallUser } from "./oncall.store.js";

/** Staff who may be on call; customers and disabled accounts may not. */
export const ONCALL_ROLES: readonly string[] = ["oncall", "noc", "admin"];

export type UserRef = { path: string; userId: string };

export function oncallUserProblems(
  refs: readonly UserRef[],
  users: readonly OncallUser[],
): ErrorIssue[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  const issues: ErrorIssue[] = [];
  const seen = new Set<string>();
  for (const { path, userId } of refs) {
    const user = byId.get(userId);
    if (!user) issues.push({ path, message: "no such user" });
    else if (!ONCALL_ROLES.includes(user.role))
      issues.push({ path, message: `user has role ${user.role}; needs oncall, noc or admin` });
    else if (user.disabledAt) issues.push({ path, message: "user is disabled" });
    else if (seen.has(userId)) issues.push({ path, message: "is listed twice" });
    seen.add(userId);
  }
  return issues;
}

export async function assertOncallUsers(
  store: OncallStore,
  tx: Tx,
  refs: readonly UserRef[],
): Promise<void> {
  const users = await store.users(
    refs.map((r) => r.userId),
    tx,
  );
  const issues = oncallUserProblems(refs, users);
  if (issues.length > 0) throw new AppError("VALIDATION", "invalid on-call user", issues);
}

export const memberRefs = (ids: readonly string[]): UserRef[] =>
  ids.map((userId, i) => ({ path: `memberIds[${i}]`, userId }));
