// Premium runbook execution allowance (SPEC 4): pooled over the contract, components active
// in the month × the tariff's minutes per component. Components are counted by billing's own
// rule (billedComponents), so the allowance shown is the one the invoice will apply.
import { billedComponents } from "../billing/component-charges.js";
import type { ScenarioComponent } from "../billing/scenario.js";
import { tariffFor, type Plan } from "../billing/tariff.js";
import type { IsoDate } from "../time/date.js";
import type { YearMonth } from "../time/month.js";

/** Minutes a task counts: whole minutes rounded up, at least one (a started task is work). */
export function taskMinutes(startedAtMs: number, finishedAtMs: number): number {
  return Math.max(1, Math.ceil((finishedAtMs - startedAtMs) / 60_000));
}

export interface AllowanceInput {
  month: YearMonth;
  plan: Plan;
  startDate: IsoDate;
  endDate: IsoDate | null;
  components: readonly Pick<ScenarioComponent, "id" | "os" | "activeFrom" | "activeUntil">[];
  usedMinutes: number;
}

export interface Allowance {
  month: YearMonth;
  components: number;
  allowanceMinutes: number;
  usedMinutes: number;
  remainingMinutes: number;
  overageMinutes: number;
}

export function runbookAllowance(input: AllowanceInput): Allowance {
  const components = billedComponents(
    {
      month: input.month,
      contract: {
        plan: input.plan,
        startDate: input.startDate,
        endDate: input.endDate,
        tierMode: null,
        terminatedByProviderFault: false,
      },
      components: input.components.map((c) => ({ ...c, capRelaxations: 0 })),
      serviceFees: [],
      outages: [],
      incidentResponses: 0,
      runbookMinutes: input.usedMinutes,
      liabilityCredits: [],
      latePayments: [],
      downgrade: null,
      tariffOverrides: {},
    },
    input.month,
  ).length;
  // Runbook execution is a Premium service (SPEC 2): other plans have no allowance.
  const perComponent =
    input.plan === "premium" ? tariffFor(input.month).runbookAllowanceMinutesPerComponent : 0;
  const allowanceMinutes = components * perComponent;
  return {
    month: input.month,
    components,
    allowanceMinutes,
    usedMinutes: input.usedMinutes,
    remainingMinutes: Math.max(0, allowanceMinutes - input.usedMinutes),
    overageMinutes: Math.max(0, input.usedMinutes - allowanceMinutes),
  };
}
