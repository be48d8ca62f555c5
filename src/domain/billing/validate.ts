// Rules a scenario must satisfy beyond its shape (SPEC §7 "bad input"), each problem named by
// its path. The JSON schema calls the per-item checks too, so a request reports them together
// with shape errors; the monthly close calls validateScenario on scenarios built from storage.
import { monthOfDate } from "../time/month.js";
import { claimDateProblem } from "./extras.js";
import { type BillingScenario, planInMonth } from "./scenario.js";
import { TARIFF_VERSIONS, type Tariff, findTariff } from "./tariff.js";

export interface ScenarioIssue {
  path: (string | number)[];
  message: string;
}

/** restoredAt must not be before knownAt (an open outage has no restoredAt). */
export function outageOrderProblem(knownAtMs: number, restoredAtMs: number | null): string | null {
  return restoredAtMs !== null && restoredAtMs < knownAtMs ? "is before knownAt" : null;
}

/** A period's last day must not be before its first day. */
export function periodProblem(from: string, until: string | null, fromName: string): string | null {
  return until !== null && until < from ? `is before ${fromName}` : null;
}

export function validateScenario(
  scenario: BillingScenario,
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): ScenarioIssue[] {
  return [...contractIssues(scenario, versions), ...itemIssues(scenario)];
}

function contractIssues(s: BillingScenario, versions: readonly Tariff[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const { startDate, endDate } = s.contract;
  const add = (path: ScenarioIssue["path"], message: string | null) => {
    if (message !== null) issues.push({ path, message });
  };
  add(["contract", "endDate"], periodProblem(startDate, endDate, "startDate"));
  const [startMonth, endMonth] = [monthOfDate(startDate), endDate && monthOfDate(endDate)];
  if (s.month < startMonth) add(["month"], `is before the contract's start month ${startMonth}`);
  if (endMonth && s.month > endMonth)
    add(["month"], `is after the contract's end month ${endMonth}`);
  if (!findTariff(s.month, versions)) add(["month"], "no tariff is in force in this month");
  if (s.runbookMinutes > 0 && planInMonth(s, s.month) !== "premium") {
    add(["runbookMinutes"], "runbook execution is a Premium capability; must be 0 for this plan");
  }
  const effective = s.downgrade?.effectiveMonth;
  if (effective !== undefined && effective <= startMonth) {
    add(["downgrade", "effectiveMonth"], `must be after the contract's start month ${startMonth}`);
  }
  return issues;
}

function itemIssues(s: BillingScenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const seen = new Set<string>();
  s.components.forEach((c, i) => {
    if (seen.has(c.id))
      issues.push({ path: ["components", i, "id"], message: `duplicate component id ${c.id}` });
    seen.add(c.id);
    const problem = periodProblem(c.activeFrom, c.activeUntil, "activeFrom");
    if (problem) issues.push({ path: ["components", i, "activeUntil"], message: problem });
  });
  s.outages.forEach((o, i) => {
    const problem = outageOrderProblem(o.knownAtMs, o.restoredAtMs);
    if (problem) issues.push({ path: ["outages", i, "restoredAt"], message: problem });
  });
  s.liabilityCredits.forEach((c, i) => {
    const problem = claimDateProblem(c.damageDate, c.claimDate);
    if (problem) issues.push({ path: ["liabilityCredits", i, "claimDate"], message: problem });
    if (c.damageDate < s.contract.startDate) {
      issues.push({
        path: ["liabilityCredits", i, "damageDate"],
        message: "is before the contract's startDate",
      });
    }
  });
  return issues;
}
