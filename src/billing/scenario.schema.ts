// The JSON billing scenario of SPEC §7 and its translation into the domain's BillingScenario.
// Strict: an unknown field is an error, so a typo never silently changes an invoice.
import { z } from "zod";
import { claimDateProblem } from "../domain/billing/extras.js";
import { hasAtMostTwoDecimals } from "../domain/billing/money.js";
import { type BillingScenario, OUTAGE_CAUSES, OUTAGE_SCOPES } from "../domain/billing/scenario.js";
import {
  OPERATING_SYSTEMS,
  PLANS,
  TARIFF_VERSIONS,
  type Tariff,
  TIER_MODES,
} from "../domain/billing/tariff.js";
import { outageOrderProblem, periodProblem, validateScenario } from "../domain/billing/validate.js";
import { isIsoDate } from "../domain/time/date.js";
import { parseIsoInstant } from "../domain/time/jst.js";
import { isYearMonth } from "../domain/time/month.js";
import type { ErrorIssue } from "../shared/errors.js";
import { formatPath } from "../shared/zod-issues.js";

// Bounds keep every invoice amount far inside the safe-integer range, so a validated scenario
// always computes (the largest is ~10^14 yen) and no list can make the output unbounded.
const LIMITS = {
  amountYen: 10_000_000_000,
  unitPriceYen: 10_000_000,
  components: 10_000,
  capRelaxations: 50,
  listItems: 100,
  outages: 1_000,
  incidentResponses: 100_000,
  runbookMinutes: 1_000_000,
} as const;
/** A type error message that still says "is required" when the field is missing. */
const typeError = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : message;
const integer = (max: number, message: string) =>
  z
    .int({ error: typeError(message) })
    .min(0, { error: "must not be negative" })
    .max(max);
const yen = integer(LIMITS.amountYen, "must be an integer number of yen");
const unitPriceYen = integer(LIMITS.unitPriceYen, "must be an integer number of yen");
const count = (max: number) => integer(max, "must be an integer");
const list = <T extends z.ZodType>(item: T, max: number = LIMITS.listItems) =>
  z.array(item).max(max).default([]);
const isoDate = z.string().refine(isIsoDate, { error: "must be a real calendar date YYYY-MM-DD" });
const yearMonth = z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" });
const instant = z.string().refine((s) => parseIsoInstant(s) !== null, {
  error: "must be an ISO 8601 timestamp with an offset, e.g. 2026-11-10T09:00:00+09:00",
});
const percent = z
  .number()
  .min(0)
  .max(100)
  .refine(hasAtMostTwoDecimals, { error: "must have at most two decimals" });

const ContractInput = z.strictObject({
  plan: z.enum(PLANS),
  startDate: isoDate,
  endDate: isoDate.nullable().default(null),
  tierMode: z.enum(TIER_MODES).optional(),
  terminatedByProviderFault: z.boolean().optional(),
});

const ComponentInput = z
  .strictObject({
    id: z.string().min(1),
    os: z.enum(OPERATING_SYSTEMS),
    /** Defaults to the contract's startDate. */
    activeFrom: isoDate.optional(),
    activeUntil: isoDate.nullable().default(null),
    capRelaxations: count(LIMITS.capRelaxations).default(0),
  })
  .superRefine((c, ctx) => {
    const problem = c.activeFrom ? periodProblem(c.activeFrom, c.activeUntil, "activeFrom") : null;
    if (problem) ctx.addIssue({ code: "custom", path: ["activeUntil"], message: problem });
  });

const OutageInput = z
  .strictObject({
    scope: z.enum(OUTAGE_SCOPES),
    cause: z.enum(OUTAGE_CAUSES),
    knownAt: instant,
    /** null = still open at the invoice close. */
    restoredAt: instant.nullable(),
  })
  .superRefine((o, ctx) => {
    const restored = o.restoredAt === null ? null : parseIsoInstant(o.restoredAt);
    const problem = outageOrderProblem(parseIsoInstant(o.knownAt) ?? 0, restored);
    if (problem) ctx.addIssue({ code: "custom", path: ["restoredAt"], message: problem });
  });

const LiabilityCreditInput = z
  .strictObject({ damageDate: isoDate, claimDate: isoDate, amountYen: yen })
  .superRefine((c, ctx) => {
    const problem = claimDateProblem(c.damageDate, c.claimDate);
    if (problem) ctx.addIssue({ code: "custom", path: ["claimDate"], message: problem });
  });

const TariffOverridesInput = z.strictObject({
  incidentOverageYen: unitPriceYen.nullable().optional(),
  runbookOverageYenPerHour: unitPriceYen.nullable().optional(),
  taxRatePercent: percent.optional(),
  capRelaxationYen: unitPriceYen.optional(),
});

/** The JSON scenario of SPEC §7; every field but month, contract and components is optional. */
export const Scenario = z
  .strictObject({
    month: yearMonth,
    contract: ContractInput,
    components: z.array(ComponentInput).max(LIMITS.components),
    serviceFees: list(z.strictObject({ name: z.string().min(1), monthlyYen: yen })),
    outages: list(OutageInput, LIMITS.outages),
    incidentResponses: count(LIMITS.incidentResponses).default(0),
    runbookMinutes: count(LIMITS.runbookMinutes).default(0),
    liabilityCredits: list(LiabilityCreditInput),
    latePayments: list(z.strictObject({ amountYen: yen, dueDate: isoDate, paidDate: isoDate })),
    downgrade: z
      .strictObject({ fromPlan: z.enum(PLANS), effectiveMonth: yearMonth })
      .nullable()
      .default(null),
    tariff: TariffOverridesInput.default({}),
    /** Also accepted inside `contract`, where it belongs; SPEC §7 names it without a place. */
    terminatedByProviderFault: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    const [top, inContract] = [s.terminatedByProviderFault, s.contract.terminatedByProviderFault];
    if (top !== undefined && inContract !== undefined && top !== inContract) {
      const message = "conflicts with contract.terminatedByProviderFault";
      ctx.addIssue({ code: "custom", path: ["terminatedByProviderFault"], message });
    }
  });
export type Scenario = z.infer<typeof Scenario>;

export type ParseScenarioResult =
  { ok: true; value: BillingScenario } | { ok: false; issues: ErrorIssue[] };

/** Validates a JSON scenario: the domain scenario, or every problem named by its JSON path. */
export function parseScenario(
  json: unknown,
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): ParseScenarioResult {
  const parsed = Scenario.safeParse(json, {
    error: (issue) => (issue.input === undefined ? "is required" : undefined),
  });
  if (!parsed.success) return { ok: false, issues: renderIssues(parsed.error.issues) };
  const value = toBillingScenario(parsed.data);
  const issues = validateScenario(value, versions);
  if (issues.length > 0) {
    return {
      ok: false,
      issues: issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  return { ok: true, value };
}

function renderIssues(issues: readonly z.core.$ZodIssue[]): ErrorIssue[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: "unknown field",
        }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

function instantMs(value: string): number {
  const ms = parseIsoInstant(value);
  if (ms === null) throw new RangeError(`validated timestamp did not parse: ${value}`);
  return ms;
}

function toBillingScenario(s: Scenario): BillingScenario {
  const { contract, tariff } = s;
  return {
    month: s.month,
    contract: {
      plan: contract.plan,
      startDate: contract.startDate,
      endDate: contract.endDate,
      tierMode: contract.tierMode ?? null,
      terminatedByProviderFault:
        contract.terminatedByProviderFault ?? s.terminatedByProviderFault ?? false,
    },
    components: s.components.map((c) => ({ ...c, activeFrom: c.activeFrom ?? contract.startDate })),
    serviceFees: s.serviceFees,
    outages: s.outages.map((o) => ({
      scope: o.scope,
      cause: o.cause,
      knownAtMs: instantMs(o.knownAt),
      restoredAtMs: o.restoredAt === null ? null : instantMs(o.restoredAt),
    })),
    incidentResponses: s.incidentResponses,
    runbookMinutes: s.runbookMinutes,
    liabilityCredits: s.liabilityCredits,
    latePayments: s.latePayments,
    downgrade: s.downgrade,
    tariffOverrides: tariff,
  };
}
