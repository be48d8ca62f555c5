// Escalation policy (SPEC 4): a page not acknowledged in time goes to the next person of
// the first-line rotation, then — where the plan includes second-line response — to the
// second-line on call and the next second-line person. Then it stops paging.
import { allowsSecondLine, type Tier } from "./routing.js";

export type Line = "first" | "second";

export interface EscalationStep {
  line: Line;
  /** 0 = whoever is on call now; k = the k-th next member of that rotation. */
  step: number;
}

const LADDER: readonly EscalationStep[] = [
  { line: "first", step: 0 },
  { line: "first", step: 1 },
  { line: "second", step: 0 },
  { line: "second", step: 1 },
];

/** The step of escalation level `level`, or null when the tier has nothing further. */
export function escalationStep(tier: Tier, level: number): EscalationStep | null {
  const step = LADDER[level];
  if (!step) return null;
  if (step.line === "second" && !allowsSecondLine(tier)) return null;
  return step;
}
