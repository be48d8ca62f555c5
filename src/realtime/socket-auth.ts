// Handshake authentication with the REST API's credentials: `auth: {token}` (a session token
// or an API key), an `Authorization: Bearer` header, or the web UI's session cookie.
import type { Actor } from "../access/actor.js";
import { secretFromHeaders } from "../accounts/authenticate.js";
import type { Clock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import type { RealtimeStore } from "./realtime.store.js";

export interface Handshake {
  auth: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

const header = (h: Handshake, name: string): string | undefined => {
  const v = h.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The secret the client presented; throws UNAUTHORIZED when it presented none usable. */
export function secretOf(h: Handshake): string {
  const token = h.auth.token;
  if (token !== undefined) {
    if (typeof token !== "string" || token.length === 0 || token.length > 512)
      throw new AppError("UNAUTHORIZED", "auth.token must be a non-empty string");
    return token.replace(/^Bearer\s+/i, "");
  }
  const authorization = header(h, "authorization");
  const cookie = header(h, "cookie");
  const secret = secretFromHeaders(authorization, cookie);
  if (!secret)
    throw new AppError(
      "UNAUTHORIZED",
      "missing credentials: send auth.token or the session cookie",
    );
  // A cookie rides along on any page's request: refuse one sent from a foreign origin.
  if (!authorization && cookie) assertSameOrigin(h);
  return secret;
}

function assertSameOrigin(h: Handshake): void {
  const origin = header(h, "origin");
  const host = header(h, "host");
  if (!origin || !host) return; // not a browser, or nothing to compare
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (originHost !== host)
    throw new AppError("UNAUTHORIZED", `session cookie sent from foreign origin ${origin}`);
}

/** Resolves the secret to an actor now; an expired or revoked one is UNAUTHORIZED. */
export async function authenticateSecret(
  deps: { store: RealtimeStore; clock: Clock },
  secret: string,
): Promise<Actor> {
  const found = await deps.store.authenticate(secret, deps.clock.now());
  if (!found) throw new AppError("UNAUTHORIZED", "session expired or credentials not valid");
  const { mustChangePassword, ...actor } = found;
  if (mustChangePassword)
    throw new AppError("FORBIDDEN", "change your one-time password first", [], {
      reason: "password_change_required",
    });
  if (actor.role === "customer" && !actor.contractId)
    throw new AppError("FORBIDDEN", "customer user without a contract");
  return actor;
}
