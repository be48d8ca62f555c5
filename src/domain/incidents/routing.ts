// Routing by plan (SPEC 2): each plan buys one response tier. Standard and above need an
// incident-response runbook on file; without one the incident is watched only and the
// NOC is warned (Appx 1, 2).
import type { Plan } from "../billing/tariff.js";

export const TIERS = ["watch", "first_line", "second_line", "runbook"] as const;
export type Tier = (typeof TIERS)[number];

const TIER_OF_PLAN: Record<Plan, Tier> = {
  entry: "watch",
  standard: "first_line",
  advanced: "second_line",
  premium: "runbook",
};

export function tierOfPlan(plan: Plan): Tier {
  return TIER_OF_PLAN[plan];
}

export interface RoutingDecision {
  tier: Tier;
  /** The plan pays for a human response the missing runbook holds back. */
  runbookMissing: boolean;
  /** Paged to an engineer (and so takes a quota unit). */
  human: boolean;
}

export function routeIncident(input: { plan: Plan; hasIncidentRunbook: boolean }): RoutingDecision {
  const planned = tierOfPlan(input.plan);
  if (planned === "watch") return { tier: "watch", runbookMissing: false, human: false };
  if (!input.hasIncidentRunbook) return { tier: "watch", runbookMissing: true, human: false };
  return { tier: planned, runbookMissing: false, human: true };
}

/** Whether the tier allows escalating past first line to second-line on-call. */
export function allowsSecondLine(tier: Tier): boolean {
  return tier === "second_line" || tier === "runbook";
}

export function isHumanTier(tier: Tier | null): boolean {
  return tier !== null && tier !== "watch";
}
