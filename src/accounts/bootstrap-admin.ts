import type { DataSource } from "typeorm";
import { UserEntity } from "../db/entities/index.js";
import { createUser } from "./users.js";

export const BOOTSTRAP_ADMIN_EMAIL = "admin@msp.local";

/**
 * On first start with no users, creates an admin and returns its one-time password so the
 * caller can print it once. An advisory lock keeps two instances from both creating one.
 */
export async function bootstrapAdmin(
  db: DataSource,
  now: Date,
): Promise<{ email: string; password: string } | null> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('msp.bootstrap-admin'))");
    if ((await tx.count(UserEntity)) > 0) return null;
    const { user, oneTimePassword } = await createUser(
      tx,
      "system",
      {
        email: BOOTSTRAP_ADMIN_EMAIL,
        displayName: "Administrator",
        role: "admin",
        contractId: null,
        language: "en",
      },
      now,
    );
    return { email: user.email, password: oneTimePassword! };
  });
}
