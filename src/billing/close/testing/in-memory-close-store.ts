// An in-memory CloseStore for unit tests of the close and revisions. It keeps the rules the
// SQL keeps: a contract is billable in a month it overlaps and has no invoice for yet, in id
// order; (contract, month, revision) is unique and a duplicate insert is skipped, not an
// error; an issued invoice is never changed. The stored inputs of a contract are given whole.
import type { InvoiceEntity } from "../../../db/entities/index.js";
import { TARIFF_VERSIONS, type Tariff } from "../../../domain/billing/tariff.js";
import { firstDayOfMonth, lastDayOfMonth } from "../../../domain/time/month.js";
import { notFound } from "../../../shared/errors.js";
import type { ContractInputs } from "../build-scenario.js";
import type { CloseStore, LatestInvoice, LoadedInputs, NewInvoice } from "../close.store.js";

export interface StoredInvoice extends NewInvoice {
  id: string;
  audit: string;
}

export function inMemoryCloseStore(versions: readonly Tariff[] = TARIFF_VERSIONS) {
  const inputs = new Map<string, LoadedInputs>();
  const invoices: StoredInvoice[] = [];
  const latest = (contractId: string, month: string) =>
    invoices
      .filter((i) => i.contractId === contractId && i.month === month)
      .sort((a, b) => b.revision - a.revision)[0];
  const store: CloseStore = {
    tariffVersions: () => Promise.resolve([...versions]),
    billableContracts(month, afterId, limit) {
      const rows = [...inputs.values()]
        .map((i) => i.contract)
        .filter(
          (c) =>
            c.startDate <= lastDayOfMonth(month) &&
            (c.endDate === null || c.endDate >= firstDayOfMonth(month)) &&
            (afterId === null || c.id > afterId) &&
            !latest(c.id, month),
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit);
      return Promise.resolve(rows);
    },
    lockContract(_tx, contractId) {
      const found = inputs.get(contractId);
      return found ? Promise.resolve(found.contract) : Promise.reject(notFound("contract"));
    },
    inputsOf: (_tx, contracts) =>
      Promise.resolve(contracts.map((c) => structuredClone(inputs.get(c.id)!))),
    latestInvoices(_tx, ids, month) {
      const map = new Map<string, LatestInvoice>();
      for (const id of ids) {
        const i = latest(id, month);
        if (i)
          map.set(id, {
            contractId: id,
            revision: i.revision,
            lines: i.invoice.lines,
            scenario: i.scenario,
            interestPaymentIds: i.interestPaymentIds,
          });
      }
      return Promise.resolve(map);
    },
    issueInvoices(_tx, rows, ctx) {
      const ids: string[] = [];
      for (const n of [...rows].sort((a, b) => (a.contractId < b.contractId ? -1 : 1))) {
        const taken = invoices.some(
          (i) => i.contractId === n.contractId && i.month === n.month && i.revision === n.revision,
        );
        if (taken) continue;
        const id = `inv-${invoices.length + 1}`;
        invoices.push({ ...structuredClone(n), id, audit: ctx.action });
        ids.push(id);
      }
      return Promise.resolve(ids);
    },
    invoiceById(_tx, id) {
      const i = invoices.find((x) => x.id === id);
      if (!i) return Promise.reject(notFound("invoice"));
      return Promise.resolve({
        id: i.id,
        contractId: i.contractId,
        month: i.month,
        revision: i.revision,
        reason: i.reason,
        lines: i.invoice.lines as unknown as InvoiceEntity["lines"],
        subtotalYen: i.invoice.subtotalYen,
        taxYen: i.invoice.taxYen,
        totalYen: i.invoice.totalYen,
      } as Partial<InvoiceEntity> as InvoiceEntity);
    },
  };
  return {
    store,
    invoices,
    /** Stores (or replaces) everything the close reads for one contract. */
    put(contract: ContractInputs, interestPaymentIds: string[] = []) {
      inputs.set(contract.contract.id, { ...contract, interestPaymentIds });
    },
  };
}
