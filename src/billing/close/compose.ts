// One contract's invoice of a month, from its stored inputs: scenario → validation → the pure
// computeInvoice, plus the carry-over lines of outages that crossed the previous close.
import { exemptionRefundLine } from "../../domain/billing/exemptions.js";
import { computeInvoice, settleInvoice, type Invoice } from "../../domain/billing/invoice.js";
import { amountLine, formatYen, type InvoiceLine } from "../../domain/billing/invoice-line.js";
import type { BillingScenario } from "../../domain/billing/scenario.js";
import {
  TARIFF_VERSIONS,
  tariffFor,
  withOverrides,
  type Tariff,
} from "../../domain/billing/tariff.js";
import { validateScenario, type ScenarioIssue } from "../../domain/billing/validate.js";
import { jstMonthEndMs } from "../../domain/time/jst.js";
import { addMonths, type YearMonth } from "../../domain/time/month.js";
import {
  buildScenario,
  outagesOfMonth,
  type ContractInputs,
  type OutageRow,
} from "./build-scenario.js";

/** The latest revision of the previous month's invoice, as issued. */
export interface IssuedInvoice {
  lines: InvoiceLine[];
  scenario: BillingScenario;
}

export interface ComposeInput {
  month: YearMonth;
  inputs: ContractInputs;
  previous: IssuedInvoice | null;
  /** Exemption of `month` already credited by the next month's invoice (revisions only). */
  refundedLaterYen?: number;
  /** Tariff versions in force (stored ones merged with the built-in). */
  versions?: readonly Tariff[];
}

export type Composed =
  | { ok: true; scenario: BillingScenario; invoice: Invoice; taxRatePercent: number }
  | { ok: false; issues: ScenarioIssue[] };

export function composeInvoice({
  month,
  inputs,
  previous,
  refundedLaterYen = 0,
  versions = TARIFF_VERSIONS,
}: ComposeInput): Composed {
  const scenario = buildScenario(month, inputs);
  const issues = validateScenario(scenario, versions);
  if (issues.length > 0) return { ok: false, issues };
  const invoice = computeInvoice(scenario, versions);
  const taxRatePercent = withOverrides(
    tariffFor(month, versions),
    scenario.tariffOverrides,
  ).taxRatePercent;
  const extra: InvoiceLine[] = [];
  const refund = previous && previousMonthRefund(month, previous, inputs.outages, versions);
  if (refund) extra.push(refund);
  if (refundedLaterYen > 0) {
    const next = addMonths(month, 1);
    const what = `Outage exemption of ${month} already credited on the ${next} invoice (${formatYen(refundedLaterYen)})`;
    extra.push(amountLine("exemption_refund", what, refundedLaterYen));
  }
  if (extra.length === 0) return { ok: true, scenario, invoice, taxRatePercent };
  // The carry-forward line is recomputed with the extra lines: drop the first settlement's.
  const lines = [...invoice.lines.filter((l) => l.code !== "credit_carried_forward"), ...extra];
  return {
    ok: true,
    scenario,
    invoice: { ...invoice, ...settleInvoice(lines, taxRatePercent) },
    taxRatePercent,
  };
}

/**
 * SPEC 6.4: an outage open at the previous close was exempted only up to that close. The
 * previous month is recomputed with outages as known now — open ones counted up to this
 * close, which settles every 24 h block that started in it — and the difference credited.
 */
export function previousMonthRefund(
  month: YearMonth,
  previous: IssuedInvoice,
  outages: readonly OutageRow[],
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): InvoiceLine | null {
  const prevMonth = addMonths(month, -1);
  if (previous.scenario.month !== prevMonth) return null;
  const recheck = {
    ...previous.scenario,
    outages: outagesOfMonth(outages, prevMonth, jstMonthEndMs(month)),
  };
  if (validateScenario(recheck, versions).length > 0) return null;
  // A revision's positive "already credited" line means that part of its exemption was given
  // on the following invoice: it counts as not exempted on this one.
  const issued = previous.lines.map((l) =>
    l.code === "exemption_refund" && l.amountYen > 0
      ? { ...l, code: "exemption_managed" as const }
      : l,
  );
  return exemptionRefundLine(prevMonth, issued, computeInvoice(recheck, versions).lines);
}
