// Customer notices through the outbox (ja/en, one per contact and subject, idempotent keys):
// a maintenance window announced ahead, a change of the terms, the end of the service.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { languageOf } from "../domain/notify/format.js";
import {
  renderMaintenanceNotice,
  renderServiceNotice,
  SERVICE_NOTICE_KINDS,
} from "../domain/notify/service-notices.js";
import type { NewOutboxMessage } from "../notify/outbox.store.js";
import type { ContractsDeps } from "./deps.js";
import { IsoDate } from "./views.js";

const jstText = (d: Date) =>
  `${new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace("T", " ")} JST`;

/** Announces one maintenance window to its contract's contacts (once per window and contact). */
export async function queueMaintenanceNotice(
  deps: Pick<ContractsDeps, "contracts" | "outbox">,
  windowId: string,
  now: Date,
): Promise<number> {
  const rows = await deps.contracts.maintenanceRecipients(windowId);
  const messages: NewOutboxMessage[] = rows.map((r) => {
    const lang = languageOf(r.language);
    const email = r.email.toLowerCase();
    const facts = {
      contractName: r.customerName,
      startsAt: jstText(r.startsAt),
      endsAt: jstText(r.endsAt),
      reason: r.reason,
    };
    return {
      key: `maintenance_notice:${windowId}:${email}:email`,
      channel: "email",
      recipient: email,
      contractId: r.contractId,
      incidentId: null,
      event: "maintenance.scheduled",
      language: lang,
      payload: { audience: "customer", ...renderMaintenanceNotice(facts, lang) },
      nextAttemptAt: now,
    };
  });
  return deps.outbox.enqueue(messages, now);
}

export const ServiceNoticeInput = z.strictObject({
  kind: z.enum(SERVICE_NOTICE_KINDS),
  /** The day the new terms apply, or the last day of the service. */
  effectiveDate: IsoDate,
  text: z.strictObject({
    ja: z.string().trim().min(1).max(10_000),
    en: z.string().trim().min(1).max(10_000),
  }),
});

/** A change of the terms (Art. 4) or the end of the service (Art. 5), to every active contract. */
export async function sendServiceNotice(
  deps: Pick<ContractsDeps, "uow" | "contracts" | "outbox" | "audit">,
  actor: Actor,
  input: z.infer<typeof ServiceNoticeInput>,
  now: Date,
): Promise<{ queued: number }> {
  return deps.uow.transaction(async (tx) => {
    const rows = await deps.contracts.activeContacts(tx);
    const messages: NewOutboxMessage[] = rows.map((r) => {
      const lang = languageOf(r.language);
      const email = r.email.toLowerCase();
      const facts = {
        kind: input.kind,
        contractName: r.customerName,
        effectiveDate: input.effectiveDate,
        text: input.text[lang],
      };
      return {
        key: `${input.kind}:${input.effectiveDate}:${r.contractId}:${email}:email`,
        channel: "email",
        recipient: email,
        contractId: r.contractId,
        incidentId: null,
        event: `service.${input.kind}`,
        language: lang,
        payload: { audience: "customer", ...renderServiceNotice(facts, lang) },
        nextAttemptAt: now,
      };
    });
    const queued = await deps.outbox.enqueue(messages, now, tx);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: `notice.${input.kind}`,
      entityType: "notice",
      entityId: `${input.kind}:${input.effectiveDate}`,
      contractId: null,
      before: null,
      after: { ...input, queued },
    });
    return { queued };
  });
}
