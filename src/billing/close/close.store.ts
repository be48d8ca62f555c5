// The monthly close's persistence: a few set-based queries per batch of contracts (never one
// query per contract) and one INSERT … ON CONFLICT DO NOTHING for the batch's invoices, which
// also writes the audit rows of exactly the invoices it inserted. The close and revisions
// speak to `CloseStore`; only this file knows SQL and TypeORM.
import type { DataSource } from "typeorm";
import type { Actor } from "../../access/actor.js";
import { getContract } from "../../contracts/contract.store.js";
import { InvoiceEntity } from "../../db/entities/index.js";
import { managerOf, typeormUnitOfWork, type Tx, type UnitOfWork } from "../../db/unit-of-work.js";
import type { Invoice } from "../../domain/billing/invoice.js";
import type { BillingScenario, LatePayment } from "../../domain/billing/scenario.js";
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
import { paymentDueDate } from "../invoice-policy.js";
import type {
  ComponentRow,
  ContractInputs,
  ComponentStateRow,
  ContractRow,
  PlanChangeRow,
  LiabilityCreditRow,
  OutageRow,
  ServiceFeeRow,
} from "./build-scenario.js";
import type { IssuedInvoice } from "./compose.js";
import { latePartsOf } from "./late-payments.js";
import { NO_USAGE, type Queryable, type UsageSource } from "./usage-source.js";

export type LoadedInputs = ContractInputs & { interestPaymentIds: string[] };
export type LatestInvoice = IssuedInvoice & {
  contractId: string;
  revision: number;
  interestPaymentIds: string[];
};

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

/**
 * The close's view of the database. Reads take the revision's `Tx` when there is one (inside
 * a transaction every query must use it: PGlite would wait on itself otherwise), and run on
 * the pool when given none.
 */
export interface CloseStore {
  /** The built-in tariff versions with the stored ones (admin API) over them, oldest first. */
  tariffVersions(tx?: Tx): Promise<Tariff[]>;
  /** Contracts billable in `month` without an invoice for it yet, in id order after `afterId`. */
  billableContracts(
    month: YearMonth,
    afterId: string | null,
    limit: number,
  ): Promise<ContractRow[]>;
  /** The contract, locked until the transaction ends (serialises revisions), or NOT_FOUND. */
  lockContract(tx: Tx, contractId: string): Promise<ContractRow>;
  /** Every stored input of a batch (usage included), grouped per contract, in `contracts` order. */
  inputsOf(tx: Tx | undefined, contracts: ContractRow[], month: YearMonth): Promise<LoadedInputs[]>;
  /** The latest revision of each contract's invoice for `month`. */
  latestInvoices(
    tx: Tx | undefined,
    contractIds: string[],
    month: YearMonth,
  ): Promise<Map<string, LatestInvoice>>;
  /**
   * Inserts the invoices whose (contract, month, revision) is not issued yet, with their audit
   * rows; returns the ids of those it inserted (a concurrent close may have inserted the rest).
   */
  issueInvoices(tx: Tx, invoices: readonly NewInvoice[], ctx: IssueContext): Promise<string[]>;
  invoiceById(tx: Tx, id: string): Promise<InvoiceEntity>;
}

/** What the close and revisions take. */
export interface CloseDeps {
  uow: UnitOfWork;
  store: CloseStore;
  /** Runs in the transaction that inserted the invoices (the outbox queues the invoice notice). */
  onInvoicesIssued?: OnInvoicesIssued;
}

export type OnInvoicesIssued = (tx: Tx, invoiceIds: readonly string[], now: Date) => Promise<void>;

/** `usage` counts incident responses and runbook minutes (the incident engine's tables). */
export function createCloseStore(db: DataSource, usage: UsageSource): CloseStore {
  const q = (tx: Tx | undefined): Queryable => (tx ? managerOf(tx) : db);
  return {
    tariffVersions: (tx) => storedTariffVersions(q(tx)),
    billableContracts: (month, afterId, limit) => billableContracts(db, month, afterId, limit),
    async lockContract(tx, contractId) {
      const m = managerOf(tx);
      await getContract(m, { kind: "all" }, contractId, { lock: true });
      return (await contractRow(m, contractId))!;
    },
    inputsOf: (tx, contracts, month) => loadInputs(q(tx), usage, contracts, month),
    latestInvoices: (tx, ids, month) => latestInvoices(q(tx), ids, month),
    issueInvoices: (tx, invoices, ctx) => issueInvoices(managerOf(tx), invoices, ctx),
    invoiceById: (tx, id) => managerOf(tx).findOneByOrFail(InvoiceEntity, { id }),
  };
}

/** Composition: the TypeORM close over one data source. */
export function closeDeps(
  db: DataSource,
  usage: UsageSource,
  onInvoicesIssued?: OnInvoicesIssued,
): CloseDeps {
  return {
    uow: typeormUnitOfWork(db),
    store: createCloseStore(db, usage),
    ...(onInvoicesIssued ? { onInvoicesIssued } : {}),
  };
}

const CONTRACT_COLUMNS = `c.id, c.customer_name AS "customerName", c.plan, c.tier_mode AS "tierMode",
  c.start_date::text AS "startDate", c.end_date::text AS "endDate", c.termination_reason AS "terminationReason"`;

/** Contracts billable in `month` without an invoice for it yet, in id order after `afterId`. */
async function billableContracts(
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

async function contractRow(q: Queryable, contractId: string): Promise<ContractRow | undefined> {
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
async function componentsOf(q: Queryable, ids: string[], month: YearMonth) {
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
async function outagesOf(q: Queryable, ids: string[], month: YearMonth) {
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

async function serviceFeesOf(q: Queryable, ids: string[], month: YearMonth) {
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
async function liabilityCreditsOf(q: Queryable, ids: string[], month: YearMonth) {
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
async function latestInvoices(q: Queryable, ids: string[], month: YearMonth) {
  const rows = await q.query<LatestInvoice[]>(
    `SELECT DISTINCT ON (contract_id) contract_id AS "contractId", revision, lines, scenario, interest_payment_ids AS "interestPaymentIds"
     FROM invoices WHERE contract_id = ANY($1::uuid[]) AND month = $2 ORDER BY contract_id, revision DESC`,
    [ids, month],
  );
  return new Map(rows.map((r) => [r.contractId, r]));
}

interface LateInterest {
  latePayments: LatePayment[];
  paymentIds: string[];
}

/**
 * Late payments (paid after the due date, on or before the closed month's last day) whose
 * interest no invoice has billed yet, allocated against the latest revision's total.
 */
async function unbilledLateInterest(
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
async function componentHistoryOf(q: Queryable, ids: string[]) {
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
async function planChangesOf(q: Queryable, ids: string[]) {
  return groupBy(
    await q.query<Of<PlanChangeRow>[]>(
      `SELECT contract_id AS "contractId", from_plan AS "fromPlan", plan, effective_month AS "effectiveMonth"
       FROM contract_plan_changes WHERE contract_id = ANY($1::uuid[]) ORDER BY effective_month, created_at, id`,
      [ids],
    ),
  );
}

/** Manual adjustment lines recorded for `month`. */
async function adjustmentsOf(q: Queryable, ids: string[], month: YearMonth) {
  return groupBy(
    await q.query<Of<Adjustment>[]>(
      `SELECT contract_id AS "contractId", reason, approved_by AS "approvedBy", amount_yen::float8 AS "amountYen", taxable
       FROM invoice_adjustments WHERE contract_id = ANY($1::uuid[]) AND month = $2 ORDER BY created_at, id`,
      [ids, month],
    ),
  );
}

/** The credits the latest revision of the previous month's invoice carried forward. */
async function creditsCarriedInto(q: Queryable, ids: string[], month: YearMonth) {
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
export async function storedTariffVersions(q: Queryable): Promise<Tariff[]> {
  const stored = await q.query<{ tariff: Tariff }[]>(
    `SELECT tariff FROM tariff_versions ORDER BY effective_from`,
  );
  const byMonth = new Map<string, Tariff>();
  for (const t of [...TARIFF_VERSIONS, ...stored.map((r) => r.tariff)])
    byMonth.set(t.effectiveFrom, t);
  return [...byMonth.values()].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
}

/** Every stored input of a batch in a handful of queries (one per table), grouped per contract. */
async function loadInputs(
  q: Queryable,
  usage: UsageSource,
  contracts: ContractRow[],
  month: YearMonth,
): Promise<LoadedInputs[]> {
  const ids = contracts.map((c) => c.id);
  // Sequential on purpose: inside a transaction (revisions) the manager runs one query at a time.
  const components = await componentsOf(q, ids, month);
  const outages = await outagesOf(q, ids, month);
  const fees = await serviceFeesOf(q, ids, month);
  const credits = await liabilityCreditsOf(q, ids, month);
  const late = await unbilledLateInterest(q, ids, month);
  const used = await usage.usageOf(q, ids, month);
  const history = await componentHistoryOf(q, ids);
  const plans = await planChangesOf(q, ids);
  const adjustments = await adjustmentsOf(q, ids, month);
  const carried = await creditsCarriedInto(q, ids, month);
  return contracts.map((contract) => ({
    contract,
    components: (components.get(contract.id) ?? []).map((c) => ({
      ...c,
      history: history.get(c.id) ?? [],
    })),
    planChanges: plans.get(contract.id) ?? [],
    adjustments: adjustments.get(contract.id) ?? [],
    creditsBroughtForward: carried.get(contract.id) ?? [],
    outages: outages.get(contract.id) ?? [],
    serviceFees: fees.get(contract.id) ?? [],
    liabilityCredits: credits.get(contract.id) ?? [],
    latePayments: late.get(contract.id)?.latePayments ?? [],
    interestPaymentIds: late.get(contract.id)?.paymentIds ?? [],
    incidentResponses: (used.get(contract.id) ?? NO_USAGE).incidentResponses,
    runbookMinutes: (used.get(contract.id) ?? NO_USAGE).runbookMinutes,
  }));
}

/** Inserts the invoices not issued yet; returns the ids of those it inserted. */
async function issueInvoices(
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
