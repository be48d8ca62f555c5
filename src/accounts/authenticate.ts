import type { Actor, UserRole } from "../access/actor.js";
import type { CredentialStore } from "./account.store.js";
import { hashSecret } from "./secrets.js";

export const SESSION_COOKIE = "msp_session";

/** An authenticated actor and whether its user still has to replace a one-time password. */
export type Authenticated = Actor & { mustChangePassword: boolean };

/** Resolves a bearer secret (session or API key) to an actor, or null when not valid now. */
export async function authenticate(
  credentials: Pick<CredentialStore, "findBySecretHash">,
  secret: string,
  now: Date,
): Promise<Authenticated | null> {
  const found = await credentials.findBySecretHash(hashSecret(secret));
  if (!found) return null;
  const { credential: row, user } = found;
  if (row.revokedAt || user.disabledAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  return {
    via: row.kind === "api_key" ? "api_key" : "session",
    userId: row.userId,
    credentialId: row.id,
    role: user.role as UserRole,
    contractId: user.contractId,
    mustChangePassword: user.mustChangePassword,
  };
}

/** The secret from `Authorization: Bearer …` or, for the web UI, the session cookie. */
export function secretFromHeaders(
  authorization: string | undefined,
  cookie: string | undefined,
): string | null {
  if (authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    return m?.[1] ?? null;
  }
  if (cookie) {
    for (const part of cookie.split(";")) {
      const [k, ...v] = part.trim().split("=");
      if (k === SESSION_COOKIE) {
        // A malformed percent-escape is a bad credential (401), not a server error.
        try {
          return decodeURIComponent(v.join("=")) || null;
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}
