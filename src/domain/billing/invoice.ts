// One month's invoice from a scenario (SPEC §6, §7): a pure function, the same one the CLI
// preview, the HTTP preview and the monthly close call. Every line is already rounded down;
// tax is computed once on the taxable subtotal.
import type { YearMonth } from "../time/month.js";
import { billedComponents, initialFeeLines, managedFee } from "./component-charges.js";
import { downgradeLine, earlyTerminationLine } from "./contract-changes.js";
import { exemptionLines } from "./exemptions.js";
import {
  incidentOverageLine,
  lateInterestLine,
  liabilityCreditLines,
  runbookOverageLine,
} from "./extras.js";
import { amountLine, formatYen, type InvoiceLine, pricedLine } from "./invoice-line.js";
import { percentOfFloor, sumYen } from "./money.js";
import { type BillingScenario, planInMonth } from "./scenario.js";
import {
  BILLING_POLICY,
  TARIFF_VERSIONS,
  type Tariff,
  tariffFor,
  withOverrides,
} from "./tariff.js";

export interface Invoice {
  month: YearMonth;
  currency: "JPY";
  lines: InvoiceLine[];
  /** Sum of the taxable lines. */
  subtotalYen: number;
  /** floor(tax rate × subtotal), once per invoice. */
  taxYen: number;
  /** subtotal + tax + the non-taxable lines (late-payment interest). */
  totalYen: number;
  /** The tariff version that priced the month. */
  tariffVersion: string;
}

/** Computes the invoice of `scenario.month`. Expects a scenario that passed validateScenario. */
export function computeInvoice(
  scenario: BillingScenario,
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): Invoice {
  const { month } = scenario;
  const tariffIn = (m: YearMonth) =>
    withOverrides(tariffFor(m, versions), scenario.tariffOverrides);
  const managedFeeOf = (m: YearMonth) =>
    managedFee(scenario, m, planInMonth(scenario, m), tariffIn(m)).feeYen;
  const tariff = tariffIn(month);
  const plan = planInMonth(scenario, month);
  const managed = managedFee(scenario, month, plan, tariff);
  const services = serviceFeeLines(scenario);
  const serviceFeeYen = sumYen(services.map((l) => l.amountYen));
  const monthlyFeeYen =
    managed.feeYen + (BILLING_POLICY.earlyTerminationIncludesServiceFees ? serviceFeeYen : 0);
  const oldPlanFeeYen = scenario.downgrade
    ? managedFee(scenario, month, scenario.downgrade.fromPlan, tariff).feeYen
    : 0;
  const lines = [
    ...managed.lines,
    ...services,
    ...initialFeeLines(scenario, tariff),
    ...exemptionLines(scenario.outages, month, { managed: managed.feeYen, service: serviceFeeYen }),
    incidentOverageLine(scenario.incidentResponses, tariff),
    plan === "premium" ? premiumRunbookLine(scenario, tariff) : null,
    ...liabilityCreditLines(scenario.liabilityCredits, month, managedFeeOf),
    earlyTerminationLine(scenario, monthlyFeeYen),
    downgradeLine(scenario, oldPlanFeeYen, managed.feeYen),
    ...scenario.latePayments.map(lateInterestLine),
    ...(scenario.adjustments ?? []).map((a) =>
      amountLine("adjustment", `${a.reason} (approved by ${a.approvedBy})`, a.amountYen, a.taxable),
    ),
    ...(scenario.creditsBroughtForward ?? []).map((c) =>
      amountLine(
        "credit_brought_forward",
        `Credit carried forward from the ${c.fromMonth} invoice (${formatYen(c.amountYen)})`,
        -c.amountYen,
        c.taxable,
      ),
    ),
  ].filter((line): line is InvoiceLine => line !== null);
  return {
    month,
    currency: "JPY",
    ...settleInvoice(lines, tariff.taxRatePercent),
    tariffVersion: tariff.version,
  };
}

/**
 * Never a negative invoice: a taxable subtotal below zero is carried forward as a credit to the
 * next invoice (a `credit_carried_forward` line brings the subtotal to 0, so tax is computed on
 * the positive side, SPEC 6.3), and likewise non-taxable reductions larger than the total.
 */
export function settleInvoice(
  lines: readonly InvoiceLine[],
  taxRatePercent: number,
): InvoiceTotals & { lines: InvoiceLine[] } {
  const settled = [...lines];
  const first = invoiceTotals(settled, taxRatePercent);
  if (first.subtotalYen < 0) {
    settled.push(
      amountLine(
        "credit_carried_forward",
        `Credit of ${formatYen(-first.subtotalYen)} carried forward to the next invoice`,
        -first.subtotalYen,
      ),
    );
  }
  const second = invoiceTotals(settled, taxRatePercent);
  if (second.totalYen < 0) {
    settled.push(
      amountLine(
        "credit_carried_forward",
        `Non-taxable credit of ${formatYen(-second.totalYen)} carried forward to the next invoice`,
        -second.totalYen,
        false,
      ),
    );
    return { lines: settled, ...invoiceTotals(settled, taxRatePercent) };
  }
  return { lines: settled, ...second };
}

/** The contract's other services (e.g. storage): the `service` scope's monthly fee. */
function serviceFeeLines(scenario: BillingScenario): InvoiceLine[] {
  return scenario.serviceFees.map((f) =>
    pricedLine("service_fee", `Service fee: ${f.name}`, 1, f.monthlyYen),
  );
}

function premiumRunbookLine(scenario: BillingScenario, tariff: Tariff): InvoiceLine | null {
  const components = billedComponents(scenario, scenario.month).length;
  return runbookOverageLine(scenario.runbookMinutes, components, tariff);
}

export interface InvoiceTotals {
  subtotalYen: number;
  taxYen: number;
  totalYen: number;
}

/** SPEC §6.3: tax = floor(rate × taxable subtotal); total adds the non-taxable lines. */
export function invoiceTotals(
  lines: readonly InvoiceLine[],
  taxRatePercent: number,
): InvoiceTotals {
  const subtotalYen = sumYen(lines.filter((l) => l.taxable).map((l) => l.amountYen));
  const nonTaxableYen = sumYen(lines.filter((l) => !l.taxable).map((l) => l.amountYen));
  const taxYen = percentOfFloor(subtotalYen, taxRatePercent);
  return { subtotalYen, taxYen, totalYen: sumYen([subtotalYen, taxYen, nonTaxableYen]) };
}
