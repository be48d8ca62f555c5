// Stored rows → the domain's BillingScenario (SPEC 7) for one contract and month. Pure: the
// store loads the rows, this decides which of them the month's invoice depends on.
import { creditMonth } from "../../domain/billing/extras.js";
import type {
  BillingScenario,
  LatePayment,
  Outage,
  OutageCause,
  OutageScope,
} from "../../domain/billing/scenario.js";
import type { OperatingSystem, Plan, TierMode } from "../../domain/billing/tariff.js";
import { jstMonthEndMs, jstMonthStartMs } from "../../domain/time/jst.js";
import type { YearMonth } from "../../domain/time/month.js";

export interface ContractRow {
  id: string;
  customerName: string;
  plan: string;
  tierMode: string;
  startDate: string;
  endDate: string | null;
}
export interface ComponentRow {
  name: string;
  os: string;
  activeFrom: string;
  activeUntil: string | null;
  capRelaxations: number;
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
  return {
    month,
    contract: {
      plan: contract.plan as Plan,
      startDate: contract.startDate,
      endDate: contract.endDate,
      tierMode: contract.tierMode as TierMode,
      // Not stored yet: a termination is treated as the customer's (Art. 11 (2) applies).
      terminatedByProviderFault: false,
    },
    components: [...inputs.components]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({
        // The name is unique in the contract and reads well on an invoice line.
        id: c.name,
        os: c.os as OperatingSystem,
        activeFrom: c.activeFrom,
        activeUntil: c.activeUntil,
        capRelaxations: c.capRelaxations,
      })),
    serviceFees: inputs.serviceFees
      .filter((f) => f.fromMonth <= month && (f.untilMonth === null || f.untilMonth >= month))
      .map((f) => ({ name: f.name, monthlyYen: f.monthlyYen })),
    outages: outagesOfMonth(inputs.outages, month),
    incidentResponses: inputs.incidentResponses,
    runbookMinutes: inputs.runbookMinutes,
    liabilityCredits: inputs.liabilityCredits.filter((c) => creditMonth(c.damageDate) === month),
    latePayments: inputs.latePayments,
    // Plan history is not stored yet, so no downgrade can be billed from stored data.
    downgrade: null,
    tariffOverrides: {},
  };
}
