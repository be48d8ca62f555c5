// Notices that are not incident changes: a component reaching its series cap (from the
// collector's flush) and an issued monthly invoice (from the monthly close). Each is written
// in the caller's transaction with a key that makes a re-run enqueue nothing twice.
import { languageOf } from "../domain/notify/format.js";
import { renderCapReached, renderInvoiceIssued } from "../domain/notify/notices.js";
import { jstDateOf } from "../domain/time/jst.js";
import type { Tx } from "../db/unit-of-work.js";
import type { NewOutboxMessage, OutboxStore } from "./outbox.store.js";

export interface NoticeSettings {
  publicUrl: string;
}

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, "");

/**
 * One notice per component, cap and JST day: a "cap episode" as the customer sees it, so a
 * collector restart that re-raises the event does not mail the customer again that day.
 */
export async function enqueueCapReached(
  outbox: OutboxStore,
  tx: Tx,
  settings: NoticeSettings,
  e: { componentId: string; cap: number; activeSeries: number; atMs: number },
  now: Date,
): Promise<number> {
  const rows = await outbox.capReachedContacts(tx, e.componentId);
  const episode = `${e.componentId}:${e.cap}:${jstDateOf(e.atMs)}`;
  const link = `${base(settings.publicUrl)}/#/components/${e.componentId}`;
  const messages: NewOutboxMessage[] = rows.map((r) => {
    const lang = languageOf(r.language);
    const facts = { contractName: r.customerName, componentName: r.componentName, ...e, link };
    return {
      key: `cap_reached:${episode}:${r.email.toLowerCase()}:email`,
      channel: "email",
      recipient: r.email.toLowerCase(),
      contractId: r.contractId,
      incidentId: null,
      event: "cap.reached",
      language: lang,
      payload: { audience: "customer", ...renderCapReached(facts, lang) },
      nextAttemptAt: now,
    };
  });
  return (await outbox.enqueue(tx, messages, now)).length;
}

/** One notice per issued invoice and contact. */
export async function enqueueInvoicesIssued(
  outbox: OutboxStore,
  tx: Tx,
  settings: NoticeSettings,
  invoiceIds: readonly string[],
  now: Date,
): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  const rows = await outbox.invoiceContacts(tx, invoiceIds);
  const messages: NewOutboxMessage[] = rows.map((r) => {
    const lang = languageOf(r.language);
    const facts = {
      contractName: r.customerName,
      month: r.month,
      totalYen: r.totalYen,
      dueDate: r.dueDate,
      link: `${base(settings.publicUrl)}/#/invoices/${r.id}`,
    };
    return {
      key: `invoice:${r.id}:${r.email.toLowerCase()}:email`,
      channel: "email",
      recipient: r.email.toLowerCase(),
      contractId: r.contractId,
      incidentId: null,
      event: "invoice.issued",
      language: lang,
      payload: { audience: "customer", ...renderInvoiceIssued(facts, lang) },
      nextAttemptAt: now,
    };
  });
  return (await outbox.enqueue(tx, messages, now)).length;
}
