import { AppError } from "../shared/errors.js";

export const USER_ROLES = ["admin", "noc", "oncall", "customer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who is making a request: a logged-in user or an API key acting with its owner's role. */
export interface Actor {
  via: "session" | "api_key";
  userId: string;
  credentialId: string;
  role: UserRole;
  /** The customer's contract; null for staff. */
  contractId: string | null;
  /** The request that acts, carried into audit rows. */
  requestId?: string;
}

/**
 * What part of the tenant data an actor may touch. Every data-layer query that returns
 * tenant data takes one, so scoping cannot be forgotten in a route.
 */
export type ContractScope = { kind: "all" } | { kind: "contract"; contractId: string };

export function scopeOf(actor: Actor): ContractScope {
  if (actor.role === "customer") {
    if (!actor.contractId) throw new AppError("FORBIDDEN", "customer user without a contract");
    return { kind: "contract", contractId: actor.contractId };
  }
  return { kind: "all" };
}

export function inScope(scope: ContractScope, contractId: string): boolean {
  return scope.kind === "all" || scope.contractId === contractId;
}

/** Throws NOT_FOUND (not FORBIDDEN) so another tenant's ids do not leak their existence. */
export function assertInScope(scope: ContractScope, contractId: string, what: string): void {
  if (!inScope(scope, contractId)) throw new AppError("NOT_FOUND", `${what} not found`);
}

export function requireRole(actor: Actor, roles: readonly UserRole[]): void {
  if (!roles.includes(actor.role)) {
    throw new AppError(
      "FORBIDDEN",
      `role ${actor.role} may not do this (needs ${roles.join(" or ")})`,
    );
  }
}
