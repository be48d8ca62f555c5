// The billing scenario: everything one month's invoice depends on (SPEC §7), already
// validated and with defaults filled in. The JSON form lives in src/billing/scenario.schema.ts;
// the monthly close builds this type directly from stored data.
import type { IsoDate } from "../time/date.js";
import type { YearMonth } from "../time/month.js";
import type { OperatingSystem, Plan, TariffOverrides, TierMode } from "./tariff.js";

export const OUTAGE_SCOPES = ["managed", "service"] as const;
export type OutageScope = (typeof OUTAGE_SCOPES)[number];

/** Classification by NOC staff (SPEC §4). */
export const OUTAGE_CAUSES = [
  "provider_fault",
  "gross_negligence",
  "third_party",
  "customer_fault",
  "force_majeure",
  "maintenance",
  "restriction",
  "suspension",
] as const;
export type OutageCause = (typeof OUTAGE_CAUSES)[number];

export interface ContractTerms {
  plan: Plan;
  startDate: IsoDate;
  /** Last day of the contract, null while it runs on. */
  endDate: IsoDate | null;
  /** null = the tariff's default tier mode. */
  tierMode: TierMode | null;
  /** Art. 11 (2): no early-termination charge when the provider alone caused the end. */
  terminatedByProviderFault: boolean;
}

export interface ScenarioComponent {
  id: string;
  os: OperatingSystem;
  activeFrom: IsoDate;
  /** Last active day, null while active. */
  activeUntil: IsoDate | null;
  capRelaxations: number;
}

export interface ServiceFee {
  name: string;
  monthlyYen: number;
}

export interface Outage {
  scope: OutageScope;
  cause: OutageCause;
  knownAtMs: number;
  /** null = still open at the invoice close. */
  restoredAtMs: number | null;
}

export interface LiabilityCredit {
  damageDate: IsoDate;
  claimDate: IsoDate;
  amountYen: number;
}

export interface LatePayment {
  amountYen: number;
  dueDate: IsoDate;
  paidDate: IsoDate;
}

export interface Downgrade {
  fromPlan: Plan;
  effectiveMonth: YearMonth;
}

/** A manual line (disaster waiver, advance payment) with its reason and approver. */
export interface Adjustment {
  reason: string;
  approvedBy: string;
  /** Signed: a reduction is negative. */
  amountYen: number;
  taxable: boolean;
}

/** What the previous invoice could not absorb (never a negative invoice), credited now. */
export interface CreditBroughtForward {
  fromMonth: YearMonth;
  amountYen: number;
  taxable: boolean;
}

export interface BillingScenario {
  month: YearMonth;
  contract: ContractTerms;
  components: ScenarioComponent[];
  serviceFees: ServiceFee[];
  outages: Outage[];
  incidentResponses: number;
  runbookMinutes: number;
  liabilityCredits: LiabilityCredit[];
  latePayments: LatePayment[];
  downgrade: Downgrade | null;
  tariffOverrides: TariffOverrides;
  adjustments?: Adjustment[];
  creditsBroughtForward?: CreditBroughtForward[];
}

/** The plan in force in `month`: before a downgrade's effective month, the old plan. */
export function planInMonth(scenario: BillingScenario, month: YearMonth): Plan {
  const { downgrade, contract } = scenario;
  return downgrade && month < downgrade.effectiveMonth ? downgrade.fromPlan : contract.plan;
}
