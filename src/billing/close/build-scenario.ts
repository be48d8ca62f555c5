// Stored rows → the domain's BillingScenario (SPEC 7) for one contract and month. Pure: the
// store loads the rows, this decides which of them the month's invoice depends on.
import { creditMonth } from "../../domain/billing/extras.js";
import type {
  Adjustment,
  BillingScenario,
  CreditBroughtForward,
  Downgrade,
  LatePayment,
  Outage,
  OutageCause,
  OutageScope,
} from "../../domain/billing/scenario.js";
import type { OperatingSystem, Plan, TierMode } from "../../domain/billing/tariff.js";
import { jstMonthEndMs, jstMonthStartMs } from "../../domain/time/jst.js";
import { addMonths, monthOfDate, type YearMonth } from "../../domain/time/month.js";

export interface ContractRow {
  id: string;
  customerName: string;
  plan: string;
  tierMode: string;
  startDate: string;
  endDate: string | null;
  /** customer | provider_fault | non_payment; null while the contract runs. */
  terminationReason?: string | null;
}
/** A component's OS and relaxation steps from a month on (component_changes). */
export interface ComponentStateRow {
  effectiveMonth: string;
  os: string;
  capRelaxations: number;
}
export interface ComponentRow {
  name: string;
  os: string;
  activeFrom: string;
  activeUntil: string | null;
  capRelaxations: number;
  /** Oldest first; without history the row's own values apply to every month. */
  history?: ComponentStateRow[];
}
export interface PlanChangeRow {
  fromPlan: string;
  plan: string;
  effectiveMonth: string;
}
export interface OutageRow {
  id: string;
  scope: string;
  cause: string | null;
  knownAtMs: number;
  restoredAtMs: number | null;
}
export interface ServiceFeeRow {
  name: string;
  monthlyYen: number;
  fromMonth: string;
  untilMonth: string | null;
}
export interface LiabilityCreditRow {
  damageDate: string;
  claimDate: string;
  amountYen: number;
}

/** Everything stored that one contract's invoice of a month may depend on. */
export interface ContractInputs {
  contract: ContractRow;
  components: ComponentRow[];
  /** Outages touching the month (and the previous one, for the refund check). */
  outages: OutageRow[];
  serviceFees: ServiceFeeRow[];
  liabilityCredits: LiabilityCreditRow[];
  latePayments: LatePayment[];
  incidentResponses: number;
  runbookMinutes: number;
  /** Oldest first (contract_plan_changes). */
  planChanges?: PlanChangeRow[];
  adjustments?: Adjustment[];
  creditsBroughtForward?: CreditBroughtForward[];
}

/** The plan in force in `month`: the latest change effective by then, else the first plan. */
export function planOfMonth(
  current: string,
  changes: readonly PlanChangeRow[],
  month: YearMonth,
): string {
  let plan = changes.length > 0 ? changes[0]!.fromPlan : current;
  for (const c of changes) if (c.effectiveMonth <= month) plan = c.plan;
  return plan;
}

/** A component's state in `month`: the latest history entry effective by then. */
export function componentStateIn(c: ComponentRow, month: YearMonth): ComponentStateRow {
  let state: ComponentStateRow = { effectiveMonth: "", os: c.os, capRelaxations: c.capRelaxations };
  const history = c.history ?? [];
  if (history.length > 0) state = history[0]!;
  for (const h of history) if (h.effectiveMonth <= month) state = h;
  return state;
}

/**
 * A plan change effective in `month` (after the start month) is carried as the scenario's
 * `downgrade`: the pure core charges Art. 11 (3) only when the new fee is lower, so an upgrade
 * costs nothing extra and a downgrade inside the minimum term is charged in this month.
 */
function planChangeOf(
  contract: ContractRow,
  changes: readonly PlanChangeRow[],
  month: YearMonth,
): Downgrade | null {
  if (month <= monthOfDate(contract.startDate)) return null;
  const before = planOfMonth(contract.plan, changes, addMonths(month, -1));
  const now = planOfMonth(contract.plan, changes, month);
  return before === now ? null : { fromPlan: before as Plan, effectiveMonth: month };
}

/**
 * The classified outages overlapping `month`, oldest first. Unclassified ones wait: the
 * next close's refund check credits them once NOC staff give a cause. `openUntilMs` stands
 * in for the restoredAt of outages still open (the refund check counts them to its close).
 */
export function outagesOfMonth(
  rows: readonly OutageRow[],
  month: YearMonth,
  openUntilMs?: number,
): Outage[] {
  const [start, end] = [jstMonthStartMs(month), jstMonthEndMs(month)];
  return rows
    .filter(
      (o) =>
        o.cause !== null &&
        o.knownAtMs < end &&
        (o.restoredAtMs === null || o.restoredAtMs > start),
    )
    .sort((a, b) => a.knownAtMs - b.knownAtMs || (a.id < b.id ? -1 : 1))
    .map((o) => ({
      scope: o.scope as OutageScope,
      cause: o.cause as OutageCause,
      knownAtMs: o.knownAtMs,
      restoredAtMs: o.restoredAtMs ?? openUntilMs ?? null,
    }));
}

export function buildScenario(month: YearMonth, inputs: ContractInputs): BillingScenario {
  const { contract } = inputs;
  const changes = inputs.planChanges ?? [];
  return {
    month,
    contract: {
      plan: planOfMonth(contract.plan, changes, month) as Plan,
      startDate: contract.startDate,
      endDate: contract.endDate,
      tierMode: contract.tierMode as TierMode,
      // Art. 11 (2): no early-termination charge when the provider's fault ended the contract.
      terminatedByProviderFault: contract.terminationReason === "provider_fault",
    },
    components: [...inputs.components]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => {
        const state = componentStateIn(c, month);
        return {
          // The name is unique in the contract and reads well on an invoice line.
          id: c.name,
          os: state.os as OperatingSystem,
          activeFrom: c.activeFrom,
          activeUntil: c.activeUntil,
          capRelaxations: state.capRelaxations,
        };
      }),
    serviceFees: inputs.serviceFees
      .filter((f) => f.fromMonth <= month && (f.untilMonth === null || f.untilMonth >= month))
      .map((f) => ({ name: f.name, monthlyYen: f.monthlyYen })),
    outages: outagesOfMonth(inputs.outages, month),
    incidentResponses: inputs.incidentResponses,
    runbookMinutes: inputs.runbookMinutes,
    liabilityCredits: inputs.liabilityCredits.filter((c) => creditMonth(c.damageDate) === month),
    latePayments: inputs.latePayments,
    downgrade: planChangeOf(contract, changes, month),
    tariffOverrides: {},
    adjustments: inputs.adjustments ?? [],
    creditsBroughtForward: inputs.creditsBroughtForward ?? [],
  };
}
