// Writes invoices: one INSERT for a whole batch, passed as one JSON parameter, that skips a
// (contract, month, revision) already issued — so a re-run or a concurrent close inserts
// nothing twice — and writes the audit rows of exactly the invoices it inserted.
import type { Actor } from "../../access/actor.js";
import type { Invoice } from "../../domain/billing/invoice.js";
import type { BillingScenario } from "../../domain/billing/scenario.js";
import type { YearMonth } from "../../domain/time/month.js";
import { paymentDueDate } from "../invoice-policy.js";
import type { Queryable } from "./close-store.js";

export interface NewInvoice {
  contractId: string;
  customerName: string;
  month: YearMonth;
  revision: number;
  reason: string | null;
  invoice: Invoice;
  taxRatePercent: number;
  scenario: BillingScenario;
  interestPaymentIds: string[];
}

export interface IssueContext {
  now: Date;
  actor: Actor | "system";
  action: "invoice.issue" | "invoice.revise";
}

/** Inserts the invoices not issued yet; returns the ids of those it inserted. */
export async function issueInvoices(
  q: Queryable,
  invoices: readonly NewInvoice[],
  ctx: IssueContext,
): Promise<string[]> {
  if (invoices.length === 0) return [];
  const records = invoices.map((n) => ({
    contract_id: n.contractId,
    customer_name: n.customerName,
    month: n.month,
    revision: n.revision,
    reason: n.reason,
    lines: n.invoice.lines,
    subtotal_yen: n.invoice.subtotalYen,
    tax_yen: n.invoice.taxYen,
    total_yen: n.invoice.totalYen,
    tax_rate_percent: n.taxRatePercent,
    tariff_version: n.invoice.tariffVersion,
    due_date: paymentDueDate(n.month),
    scenario: n.scenario,
    interest_payment_ids: n.interestPaymentIds,
  }));
  const actor = ctx.actor;
  const rows = await q.query<{ id: string }[]>(
    `WITH r AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(contract_id uuid, customer_name text, month text, revision int,
         reason text, lines jsonb, subtotal_yen bigint, tax_yen bigint, total_yen bigint, tax_rate_percent numeric,
         tariff_version text, due_date date, scenario jsonb, interest_payment_ids uuid[])),
     ins AS (
       INSERT INTO invoices (contract_id, customer_name, month, revision, reason, lines, subtotal_yen, tax_yen, total_yen,
         tax_rate_percent, tariff_version, issued_at, due_date, scenario, interest_payment_ids, created_by)
       SELECT contract_id, customer_name, month, revision, reason, lines, subtotal_yen, tax_yen, total_yen,
         tax_rate_percent, tariff_version, $2, due_date, scenario, interest_payment_ids, $7::uuid
       FROM r ORDER BY contract_id -- one lock order for concurrent closes: they wait, never deadlock
       ON CONFLICT ON CONSTRAINT uq_invoice_revision DO NOTHING
       RETURNING id, contract_id, month, revision, reason, total_yen)
     INSERT INTO audit_log (at, actor_type, actor_id, action, entity_type, entity_id, contract_id, before, after, request_id)
     SELECT $2, $3, $4, $5, 'invoice', ins.id::text, ins.contract_id, NULL,
       jsonb_build_object('month', ins.month, 'revision', ins.revision, 'reason', ins.reason, 'totalYen', ins.total_yen), $6
     FROM ins RETURNING entity_id AS id`,
    [
      JSON.stringify(records),
      ctx.now,
      actor === "system" ? "system" : actor.via === "api_key" ? "api_key" : "user",
      actor === "system" ? null : actor.userId,
      ctx.action,
      actor === "system" ? null : (actor.requestId ?? null),
      actor === "system" ? null : actor.userId,
    ],
  );
  return rows.map((r) => r.id);
}
