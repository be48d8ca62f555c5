// The managed-service monthly fee (SPEC §6.2): base + component charges + cap relaxations,
// and the one-off initial fees. A component is billed for a whole month if it was active on
// any day of it (no daily proration).
import { assertNever } from "../../shared/assert-never.js";
import { firstDayOfMonth, lastDayOfMonth, monthOfDate, type YearMonth } from "../time/month.js";
import { type InvoiceLine, formatYen, pricedLine } from "./invoice-line.js";
import { sumYen } from "./money.js";
import type { BillingScenario, ScenarioComponent } from "./scenario.js";
import { BILLING_POLICY, type Plan, type Tariff, type TierMode, type TierTable } from "./tariff.js";

const OPEN_END = "9999-12-31";

/** Components active on at least one day of `month` that is also inside the contract. */
export function billedComponents(scenario: BillingScenario, month: YearMonth): ScenarioComponent[] {
  const { startDate, endDate } = scenario.contract;
  const [first, last] = [firstDayOfMonth(month), lastDayOfMonth(month)];
  return scenario.components.filter((c) => {
    const from = [c.activeFrom, startDate, first].reduce((a, b) => (a > b ? a : b));
    const until = [c.activeUntil ?? OPEN_END, endDate ?? OPEN_END, last].reduce((a, b) =>
      a < b ? a : b,
    );
    return from <= until;
  });
}

export interface ManagedFee {
  lines: InvoiceLine[];
  feeYen: number;
}

/** Base + component charges + cap relaxations of `month`: what exemptions and credits refer to. */
export function managedFee(
  scenario: BillingScenario,
  month: YearMonth,
  plan: Plan,
  tariff: Tariff,
): ManagedFee {
  const components = billedComponents(scenario, month);
  const prices = tariff.plans[plan];
  // Premium: one Windows component moves every component to the Windows row.
  const judged = BILLING_POLICY.premiumWindowsJudgedPerMonth ? components : scenario.components;
  const windowsRow = prices.anyWindows !== null && judged.some((c) => c.os === "windows");
  const table = windowsRow && prices.anyWindows ? prices.anyWindows : prices.linux;
  const tierMode = scenario.contract.tierMode ?? tariff.tierMode;
  const label = `${plan}, ${windowsRow ? "Windows" : "Linux"} row`;
  const lines = [
    pricedLine("base", `Monthly base fee (${plan})`, 1, prices.baseYen),
    ...componentLines(components.length, table, tierMode, label),
    ...relaxationLines(components, tariff),
  ];
  return { lines, feeYen: sumYen(lines.map((l) => l.amountYen)) };
}

/** One line per price band used, e.g. "Components 6–8" at the 6–20 column. */
export function componentLines(
  count: number,
  table: TierTable,
  mode: TierMode,
  label: string,
): InvoiceLine[] {
  if (count === 0) return [];
  switch (mode) {
    case "graduated": {
      const lines: InvoiceLine[] = [];
      let from = 1;
      for (const band of table) {
        const to = Math.min(count, band.upTo ?? count);
        if (to >= from) {
          const which = from === to ? `Component ${from}` : `Components ${from}–${to}`;
          const what = `${which} at ${formatYen(band.unitYen)} (${label}, graduated)`;
          lines.push(pricedLine("component", what, to - from + 1, band.unitYen));
        }
        from = to + 1;
      }
      return lines;
    }
    case "volume": {
      const band = table.find((b) => b.upTo === null || count <= b.upTo) ?? table[table.length - 1];
      if (!band) throw new RangeError("empty tier table");
      const what = `${count} components at ${formatYen(band.unitYen)} (${label}, volume)`;
      return [pricedLine("component", what, count, band.unitYen)];
    }
    default:
      return assertNever(mode);
  }
}

function relaxationLines(components: readonly ScenarioComponent[], tariff: Tariff): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  for (const c of components.filter((x) => x.capRelaxations > 0)) {
    const cap = tariff.defaultCapSeries + c.capRelaxations * tariff.capRelaxationStepSeries;
    if (!tariff.relaxationChargedPerStep) {
      const what = `Cap relaxation, ${c.id} (cap ${cap} series)`;
      lines.push(pricedLine("cap_relaxation", what, 1, tariff.capRelaxationYen));
      continue;
    }
    for (let step = 1; step <= c.capRelaxations; step += 1) {
      const what = `Cap relaxation step ${step} of ${c.capRelaxations}, ${c.id} (cap ${cap} series)`;
      lines.push(pricedLine("cap_relaxation", what, 1, tariff.capRelaxationYen));
    }
  }
  return lines;
}

/**
 * Initial fees (SPEC §6.1): in the start month the base initial fee and the components present
 * at the start date beyond the covered five; in any month, components added after the start
 * date (activeFrom later than startDate, even within the start month).
 */
export function initialFeeLines(scenario: BillingScenario, tariff: Tariff): InvoiceLine[] {
  const { month, contract, components } = scenario;
  const start = contract.startDate;
  const lines: InvoiceLine[] = [];
  if (monthOfDate(start) === month) {
    const covers = tariff.initialFeeCoversComponents;
    lines.push(
      pricedLine("initial", `Initial fee (up to ${covers} components)`, 1, tariff.initialFeeYen),
    );
    const atStart = components.filter(
      (c) => c.activeFrom <= start && (c.activeUntil === null || c.activeUntil >= start),
    ).length;
    if (atStart > covers) {
      const what = `Initial fee, components ${covers + 1}–${atStart} at the start date`;
      lines.push(
        pricedLine("initial_extra", what, atStart - covers, tariff.extraComponentInitialYen),
      );
    }
  }
  const added = billedComponents(scenario, month).filter(
    (c) => c.activeFrom > start && monthOfDate(c.activeFrom) === month,
  );
  if (added.length > 0) {
    const what = `Initial fee, components added: ${added.map((c) => c.id).join(", ")}`;
    lines.push(pricedLine("component_added", what, added.length, tariff.extraComponentInitialYen));
  }
  return lines;
}
