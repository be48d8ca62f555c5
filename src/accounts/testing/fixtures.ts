import type { Actor } from "../../access/actor.js";
import type { AccountsDeps } from "../deps.js";
import { createUser, NewUser } from "../users.js";

export const ADMIN: Actor = {
  via: "session",
  userId: "00000000-0000-4000-8000-0000000000ad",
  credentialId: "00000000-0000-4000-8000-0000000000ac",
  role: "admin",
  contractId: null,
};

/** A user created through the use case, and an actor acting as that user's session. */
export async function userWithPassword(
  deps: AccountsDeps,
  now: Date,
  input: Partial<NewUser> & { email: string },
) {
  const created = await createUser(
    deps,
    ADMIN,
    NewUser.parse({ displayName: "A. User", role: "noc", ...input }),
    now,
  );
  return created;
}

export const actorOf = (
  user: { id: string; role: Actor["role"]; contractId: string | null },
  credentialId: string,
): Actor => ({
  via: "session",
  userId: user.id,
  credentialId,
  role: user.role,
  contractId: user.contractId,
});
