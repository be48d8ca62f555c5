// The invoice line and its codes (SPEC §7). Codes are a closed set so consumers (PDF,
// accounting export) can switch on them exhaustively.
import { mulDivFloor } from "./money.js";

export const LINE_CODES = [
  "base",
  "component",
  "cap_relaxation",
  "service_fee",
  "initial",
  "initial_extra",
  "component_added",
  "exemption_managed",
  "exemption_service",
  "exemption_refund",
  "incident_overage",
  "runbook_overage",
  "liability_credit",
  "early_termination",
  "downgrade",
  "late_interest",
  "adjustment",
  "credit_brought_forward",
  "credit_carried_forward",
] as const;
export type LineCode = (typeof LINE_CODES)[number];

/**
 * quantity × unitYen = amountYen for priced lines. Computed lines (exemptions, credits,
 * interest) carry quantity 1 and unitYen = amountYen; runbook overage carries minutes as
 * quantity and the hourly price as unitYen. Reductions are negative amounts.
 */
export interface InvoiceLine {
  code: LineCode;
  description: string;
  quantity: number;
  unitYen: number;
  amountYen: number;
  taxable: boolean;
  /** The terms give no price yet: amount 0 until quoted. */
  toBeQuoted?: true;
}

/** A priced, taxable line: amount = quantity × unit. */
export function pricedLine(
  code: LineCode,
  description: string,
  quantity: number,
  unitYen: number,
): InvoiceLine {
  const amountYen = mulDivFloor(quantity, unitYen, 1);
  return { code, description, quantity, unitYen, amountYen, taxable: true };
}

/** A computed line with a single amount (already rounded down by the caller). */
export function amountLine(
  code: LineCode,
  description: string,
  amountYen: number,
  taxable = true,
): InvoiceLine {
  return { code, description, quantity: 1, unitYen: amountYen, amountYen, taxable };
}

export function formatYen(amountYen: number): string {
  // Hand-rolled grouping: output must not depend on the runtime's ICU data.
  return `${String(amountYen).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} yen`;
}
