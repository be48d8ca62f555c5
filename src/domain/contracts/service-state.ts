// Whether a contract is served right now: suspension and restriction of service (Art. 15 (4),
// 17 (2), 18, 25) and the end of the contract. Pure: `now` is a parameter. Billing continues
// while a contract is suspended or restricted; only the service stops.

/** suspension: agents refused, no response; restriction: monitoring kept, no response. */
export const SUSPENSION_KINDS = ["suspension", "restriction"] as const;
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];

/** Why a contract ended (Art. 11 (2): no early-termination charge for provider fault). */
export const TERMINATION_REASONS = [
  "customer",
  "provider_fault",
  "non_payment",
  "term_end",
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

export interface ServiceStateInput {
  status: string;
  suspendedFrom: Date | null;
  suspensionKind: string | null;
}

export function isSuspendedAt(c: ServiceStateInput, now: Date): boolean {
  return c.suspendedFrom !== null && c.suspendedFrom.getTime() <= now.getTime();
}

/** Incidents of the contract are routed and e-mailed: active and neither suspended nor restricted. */
export function isContractServiceable(c: ServiceStateInput, now: Date): boolean {
  return c.status === "active" && !isSuspendedAt(c, now);
}

/** Agents' pushes are accepted: active, and not suspended (a restriction keeps monitoring). */
export function acceptsPushes(c: ServiceStateInput, now: Date): boolean {
  return c.status === "active" && !(isSuspendedAt(c, now) && c.suspensionKind === "suspension");
}
