// The monthly close (SPEC 6, DESIGN "monthly close"): every contract billable in a month gets
// revision 1 of its invoice, computed by the pure billing core from stored data. Keyed by the
// month: re-running skips contracts already invoiced, and concurrent runs insert each invoice
// once (UNIQUE (contract_id, month, revision) + ON CONFLICT DO NOTHING).
import type { Actor } from "../../access/actor.js";
import { jstMonthEndMs } from "../../domain/time/jst.js";
import { addMonths, type YearMonth } from "../../domain/time/month.js";
import { AppError, type ErrorIssue } from "../../shared/errors.js";
import { formatPath } from "../../shared/zod-issues.js";
import type { Tariff } from "../../domain/billing/tariff.js";
import { INVOICE_POLICY } from "../invoice-policy.js";
import type { ContractInputs, ContractRow } from "./build-scenario.js";
import type { CloseDeps, NewInvoice } from "./close.store.js";
import { composeInvoice } from "./compose.js";

export type { CloseDeps, OnInvoicesIssued } from "./close.store.js";

export interface CloseResult {
  month: YearMonth;
  /** Contracts found without an invoice for the month. */
  considered: number;
  /** Invoices this run inserted (a concurrent run may have inserted the rest). */
  issued: number;
  /** Contracts whose stored data does not make a valid scenario: not invoiced, named. */
  failed: { contractId: string; issues: ErrorIssue[] }[];
}

/** A month is closed only once it has ended in JST: an invoice is never issued on partial data. */
export function assertMonthEnded(month: YearMonth, now: Date): void {
  if (now.getTime() < jstMonthEndMs(month)) {
    throw new AppError(
      "PRECONDITION_FAILED",
      `month ${month} has not ended yet (JST); it can be closed from ${addMonths(month, 1)}-01`,
    );
  }
}

export async function runMonthlyClose(args: {
  deps: CloseDeps;
  month: YearMonth;
  now: Date;
  actor?: Actor | "system";
  batchSize?: number;
}): Promise<CloseResult> {
  const { deps, month, now } = args;
  assertMonthEnded(month, now);
  const result: CloseResult = { month, considered: 0, issued: 0, failed: [] };
  const versions = await deps.store.tariffVersions();
  let afterId: string | null = null;
  for (;;) {
    const contracts = await deps.store.billableContracts(
      month,
      afterId,
      args.batchSize ?? INVOICE_POLICY.closeBatchSize,
    );
    if (contracts.length === 0) return result;
    afterId = contracts[contracts.length - 1]!.id;
    result.considered += contracts.length;
    const { invoices, failed } = await composeBatch(deps, contracts, month, versions);
    result.failed.push(...failed);
    const ctx = { now, actor: args.actor ?? "system", action: "invoice.issue" } as const;
    if (invoices.length === 0) continue;
    const ids = await deps.uow.transaction(async (tx) => {
      const inserted = await deps.store.issueInvoices(tx, invoices, ctx);
      await deps.onInvoicesIssued?.(tx, inserted, now);
      return inserted;
    });
    result.issued += ids.length;
  }
}

async function composeBatch(
  deps: CloseDeps,
  contracts: ContractRow[],
  month: YearMonth,
  versions: readonly Tariff[],
) {
  const inputs = await deps.store.inputsOf(undefined, contracts, month);
  const previous = await deps.store.latestInvoices(
    undefined,
    contractsWithPreviousOutages(inputs, month),
    addMonths(month, -1),
  );
  const invoices: NewInvoice[] = [];
  const failed: CloseResult["failed"] = [];
  for (const input of inputs) {
    const contractId = input.contract.id;
    const composed = composeInvoice({
      month,
      inputs: input,
      previous: previous.get(contractId) ?? null,
      versions,
    });
    if (!composed.ok) {
      failed.push({
        contractId,
        issues: composed.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      });
      continue;
    }
    invoices.push({
      contractId,
      customerName: input.contract.customerName,
      month,
      revision: 1,
      reason: null,
      invoice: composed.invoice,
      taxRatePercent: composed.taxRatePercent,
      scenario: composed.scenario,
      interestPaymentIds: input.interestPaymentIds,
    });
  }
  return { invoices, failed };
}

/** Only contracts with an outage touching the previous month can be owed a refund for it. */
function contractsWithPreviousOutages(
  inputs: readonly ContractInputs[],
  month: YearMonth,
): string[] {
  const prevEnd = jstMonthEndMs(addMonths(month, -1));
  return inputs
    .filter((i) => i.outages.some((o) => o.knownAtMs < prevEnd))
    .map((i) => i.contract.id);
}

export type LoadedInputs = ContractInputs & { interestPaymentIds: string[] };
