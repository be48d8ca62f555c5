// The monthly close's SQL: a few set-based queries per batch of contracts (never one query
// per contract) and one INSERT … ON CONFLICT DO NOTHING for the batch's invoices.
import type { LatePayment } from "../../domain/billing/scenario.js";
import { jstMonthEndMs, jstMonthStartMs } from "../../domain/time/jst.js";
import {
  addMonths,
  firstDayOfMonth,
  lastDayOfMonth,
  type YearMonth,
} from "../../domain/time/month.js";
import type { Adjustment, CreditBroughtForward } from "../../domain/billing/scenario.js";
import { TARIFF_VERSIONS, type Tariff } from "../../domain/billing/tariff.js";
import type { InvoiceLine } from "../../domain/billing/invoice-line.js";
import type {
  ComponentRow,
  ComponentStateRow,
  ContractRow,
  PlanChangeRow,
  LiabilityCreditRow,
  OutageRow,
  ServiceFeeRow,
} from "./build-scenario.js";
import type { IssuedInvoice } from "./compose.js";
import { latePartsOf } from "./late-payments.js";

/** A DataSource or a transaction's EntityManager: inside a transaction, always the latter. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

const CONTRACT_COLUMNS = `c.id, c.customer_name AS "customerName", c.plan, c.tier_mode AS "tierMode",
  c.start_date::text AS "startDate", c.end_date::text AS "endDate", c.termination_reason AS "terminationReason"`;

/** Contracts billable in `month` without an invoice for it yet, in id order after `afterId`. */
export async function billableContracts(
  q: Queryable,
  month: YearMonth,
  afterId: string | null,
  limit: number,
): Promise<ContractRow[]> {
  return await q.query<ContractRow[]>(
    `SELECT ${CONTRACT_COLUMNS} FROM contracts c
     WHERE c.status IN ('active', 'terminated') AND c.start_date <= $1 AND (c.end_date IS NULL OR c.end_date >= $2)
       AND ($3::uuid IS NULL OR c.id > $3::uuid)
       AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.contract_id = c.id AND i.month = $4)
     ORDER BY c.id LIMIT $5`,
    [lastDayOfMonth(month), firstDayOfMonth(month), afterId, month, limit],
  );
}

export async function contractRow(
  q: Queryable,
  contractId: string,
): Promise<ContractRow | undefined> {
  return (
    await q.query<ContractRow[]>(`SELECT ${CONTRACT_COLUMNS} FROM contracts c WHERE c.id = $1`, [
      contractId,
    ])
  )[0];
}

const groupBy = <T extends { contractId: string }>(rows: T[]): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.contractId);
    if (list) list.push(row);
    else map.set(row.contractId, [row]);
  }
  return map;
};
type Of<T> = T & { contractId: string };

/** Components that can matter: billed in the month, or in the damaged month of a credit (M−2). */
export async function componentsOf(q: Queryable, ids: string[], month: YearMonth) {
  return groupBy(
    await q.query<Of<ComponentRow & { id: string }>[]>(
      `SELECT contract_id AS "contractId", id, name, os, active_from::text AS "activeFrom", active_until::text AS "activeUntil",
       cap_relaxations AS "capRelaxations"
     FROM components WHERE contract_id = ANY($1::uuid[]) AND active_from <= $2 AND (active_until IS NULL OR active_until >= $3)`,
      [ids, lastDayOfMonth(month), firstDayOfMonth(addMonths(month, -2))],
    ),
  );
}

/** Outages overlapping the month or the one before (the previous close's refund check). */
export async function outagesOf(q: Queryable, ids: string[], month: YearMonth) {
  const rows = await q.query<
    {
      id: string;
      contractId: string;
      scope: string;
      cause: string | null;
      knownAt: Date;
      restoredAt: Date | null;
    }[]
  >(
    `SELECT id, contract_id AS "contractId", scope, cause, known_at AS "knownAt", restored_at AS "restoredAt"
     FROM outages WHERE contract_id = ANY($1::uuid[]) AND known_at < $2 AND (restored_at IS NULL OR restored_at > $3)`,
    [ids, new Date(jstMonthEndMs(month)), new Date(jstMonthStartMs(addMonths(month, -1)))],
  );
  return groupBy<Of<OutageRow>>(
    rows.map((o) => ({
      id: o.id,
      contractId: o.contractId,
      scope: o.scope,
      cause: o.cause,
      knownAtMs: o.knownAt.getTime(),
      restoredAtMs: o.restoredAt?.getTime() ?? null,
    })),
  );
}

export async function serviceFeesOf(q: Queryable, ids: string[], month: YearMonth) {
  return groupBy(
    await q.query<Of<ServiceFeeRow>[]>(
      `SELECT contract_id AS "contractId", name, monthly_yen::float8 AS "monthlyYen", from_month AS "fromMonth", until_month AS "untilMonth"
     FROM service_fees WHERE contract_id = ANY($1::uuid[]) AND from_month <= $2 AND (until_month IS NULL OR until_month >= $2)
     ORDER BY created_at, id`,
      [ids, month],
    ),
  );
}

/** Claims for damage two months before `month`: the credits its invoice applies (翌々月). */
export async function liabilityCreditsOf(q: Queryable, ids: string[], month: YearMonth) {
  const damaged = addMonths(month, -2);
  return groupBy(
    await q.query<Of<LiabilityCreditRow>[]>(
      `SELECT contract_id AS "contractId", damage_date::text AS "damageDate", claim_date::text AS "claimDate", amount_yen::float8 AS "amountYen"
     FROM liability_credits WHERE contract_id = ANY($1::uuid[]) AND damage_date BETWEEN $2 AND $3 ORDER BY damage_date, created_at, id`,
      [ids, firstDayOfMonth(damaged), lastDayOfMonth(damaged)],
    ),
  );
}

/** The latest revision of each contract's invoice for `month`. */
export async function latestInvoices(q: Queryable, ids: string[], month: YearMonth) {
  const rows = await q.query<
    (IssuedInvoice & { contractId: string; revision: number; interestPaymentIds: string[] })[]
  >(
    `SELECT DISTINCT ON (contract_id) contract_id AS "contractId", revision, lines, scenario, interest_payment_ids AS "interestPaymentIds"
     FROM invoices WHERE contract_id = ANY($1::uuid[]) AND month = $2 ORDER BY contract_id, revision DESC`,
    [ids, month],
  );
  return new Map(rows.map((r) => [r.contractId, r]));
}

export interface LateInterest {
  latePayments: LatePayment[];
  paymentIds: string[];
}

/**
 * Late payments (paid after the due date, on or before the closed month's last day) whose
 * interest no invoice has billed yet, allocated against the latest revision's total.
 */
export async function unbilledLateInterest(
  q: Queryable,
  ids: string[],
  month: YearMonth,
): Promise<Map<string, LateInterest>> {
  const rows = await q.query<
    {
      contractId: string;
      month: string;
      dueDate: string;
      totalYen: number;
      id: string;
      paidDate: string;
      amountYen: number;
      billed: boolean;
    }[]
  >(
    `WITH due AS (
       SELECT DISTINCT i.contract_id, i.month FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.contract_id = ANY($1::uuid[]) AND p.paid_date > i.due_date AND p.paid_date <= $2),
     latest AS (
       SELECT DISTINCT ON (i.contract_id, i.month) i.contract_id, i.month, i.due_date, i.total_yen
       FROM invoices i JOIN due USING (contract_id, month) ORDER BY i.contract_id, i.month, i.revision DESC)
     SELECT l.contract_id AS "contractId", l.month, l.due_date::text AS "dueDate", l.total_yen::float8 AS "totalYen",
       p.id, p.paid_date::text AS "paidDate", p.amount_yen::float8 AS "amountYen",
       EXISTS (SELECT 1 FROM invoices b WHERE b.contract_id = l.contract_id AND p.id = ANY(b.interest_payment_ids)) AS billed
     FROM latest l JOIN invoices i ON i.contract_id = l.contract_id AND i.month = l.month JOIN payments p ON p.invoice_id = i.id
     WHERE p.paid_date <= $2
     ORDER BY l.contract_id, l.month`,
    [ids, lastDayOfMonth(month)],
  );
  const result = new Map<string, LateInterest>();
  for (const [key, payments] of groupBy(
    rows.map((r) => ({ ...r, contractId: `${r.contractId}|${r.month}` })),
  )) {
    const { dueDate, totalYen } = payments[0]!;
    const billed = new Set(payments.filter((p) => p.billed).map((p) => p.id));
    const contractId = key.split("|")[0]!;
    const entry = result.get(contractId) ?? { latePayments: [], paymentIds: [] };
    for (const part of latePartsOf(totalYen, dueDate, payments).filter(
      (x) => !billed.has(x.paymentId),
    )) {
      entry.latePayments.push(part.late);
      entry.paymentIds.push(part.paymentId);
    }
    if (entry.paymentIds.length > 0) result.set(contractId, entry);
  }
  return result;
}

/** Each component's OS/relaxation history, oldest first, keyed by component id. */
export async function componentHistoryOf(q: Queryable, ids: string[]) {
  const rows = await q.query<(ComponentStateRow & { componentId: string })[]>(
    `SELECT component_id AS "componentId", effective_month AS "effectiveMonth", os, cap_relaxations AS "capRelaxations"
     FROM component_changes WHERE contract_id = ANY($1::uuid[]) ORDER BY effective_month, created_at, id`,
    [ids],
  );
  const map = new Map<string, ComponentStateRow[]>();
  for (const { componentId, ...state } of rows) {
    const list = map.get(componentId);
    if (list) list.push(state);
    else map.set(componentId, [state]);
  }
  return map;
}

/** Each contract's plan history, oldest first. */
export async function planChangesOf(q: Queryable, ids: string[]) {
  return groupBy(
    await q.query<Of<PlanChangeRow>[]>(
      `SELECT contract_id AS "contractId", from_plan AS "fromPlan", plan, effective_month AS "effectiveMonth"
       FROM contract_plan_changes WHERE contract_id = ANY($1::uuid[]) ORDER BY effective_month, created_at, id`,
      [ids],
    ),
  );
}

/** Manual adjustment lines recorded for `month`. */
export async function adjustmentsOf(q: Queryable, ids: string[], month: YearMonth) {
  return groupBy(
    await q.query<Of<Adjustment>[]>(
      `SELECT contract_id AS "contractId", reason, approved_by AS "approvedBy", amount_yen::float8 AS "amountYen", taxable
       FROM invoice_adjustments WHERE contract_id = ANY($1::uuid[]) AND month = $2 ORDER BY created_at, id`,
      [ids, month],
    ),
  );
}

/** The credits the latest revision of the previous month's invoice carried forward. */
export async function creditsCarriedInto(q: Queryable, ids: string[], month: YearMonth) {
  const fromMonth = addMonths(month, -1);
  const rows = await q.query<{ contractId: string; lines: InvoiceLine[] }[]>(
    `SELECT DISTINCT ON (contract_id) contract_id AS "contractId", lines
     FROM invoices WHERE contract_id = ANY($1::uuid[]) AND month = $2 ORDER BY contract_id, revision DESC`,
    [ids, fromMonth],
  );
  const map = new Map<string, CreditBroughtForward[]>();
  for (const r of rows) {
    const credits = r.lines
      .filter((l) => l.code === "credit_carried_forward")
      .map((l) => ({ fromMonth, amountYen: l.amountYen, taxable: l.taxable }));
    if (credits.length > 0) map.set(r.contractId, credits);
  }
  return map;
}

/** The built-in versions with the stored ones (admin API) over them, oldest first. */
export async function tariffVersions(q: Queryable): Promise<Tariff[]> {
  const stored = await q.query<{ tariff: Tariff }[]>(
    `SELECT tariff FROM tariff_versions ORDER BY effective_from`,
  );
  const byMonth = new Map<string, Tariff>();
  for (const t of [...TARIFF_VERSIONS, ...stored.map((r) => r.tariff)])
    byMonth.set(t.effectiveFrom, t);
  return [...byMonth.values()].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
}
