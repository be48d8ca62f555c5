import type { AccountsDeps } from "./deps.js";
import { createUserIn, newUserPassword } from "./users.js";

export const BOOTSTRAP_ADMIN_EMAIL = "admin@msp.local";

/**
 * On first start with no users, creates an admin and returns its one-time password so the
 * caller can print it once. A lock keeps two instances from both creating one.
 */
export async function bootstrapAdmin(
  deps: Pick<AccountsDeps, "uow" | "users" | "audit">,
  now: Date,
): Promise<{ email: string; password: string } | null> {
  return deps.uow.transaction(async (tx) => {
    await deps.users.lockBootstrap(tx);
    if ((await deps.users.count(tx)) > 0) return null;
    const password = await newUserPassword(undefined);
    const { user, oneTimePassword } = await createUserIn(
      deps,
      tx,
      "system",
      {
        email: BOOTSTRAP_ADMIN_EMAIL,
        displayName: "Administrator",
        role: "admin",
        contractId: null,
        language: "en",
      },
      password,
      now,
    );
    return { email: user.email, password: oneTimePassword! };
  });
}
