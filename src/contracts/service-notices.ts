// Customer notices through the outbox (ja/en, one per contact and subject, idempotent keys):
// a maintenance window announced ahead, a change of the terms, the end of the service.
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { languageOf } from "../domain/notify/format.js";
import {
  renderMaintenanceNotice,
  renderServiceNotice,
  SERVICE_NOTICE_KINDS,
} from "../domain/notify/service-notices.js";
import { enqueue, type NewOutboxMessage, type Queryable } from "../notify/outbox.store.js";
import { IsoDate } from "./views.js";

interface ContactRow {
  contractId: string;
  customerName: string;
  email: string;
  language: string;
}

const jstText = (d: Date) =>
  `${new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace("T", " ")} JST`;

/** Announces one maintenance window to its contract's contacts (once per window and contact). */
export async function queueMaintenanceNotice(
  q: Queryable,
  windowId: string,
  now: Date,
): Promise<number> {
  const rows = await q.query<(ContactRow & { startsAt: Date; endsAt: Date; reason: string })[]>(
    `SELECT c.id AS "contractId", c.customer_name AS "customerName", k.email, k.language,
       w.starts_at AS "startsAt", w.ends_at AS "endsAt", w.reason
     FROM maintenance_windows w JOIN contracts c ON c.id = w.contract_id JOIN contacts k ON k.contract_id = c.id
     WHERE w.id = $1`,
    [windowId],
  );
  const messages: NewOutboxMessage[] = rows.map((r) => {
    const lang = languageOf(r.language);
    const email = r.email.toLowerCase();
    const facts = {
      contractName: r.customerName,
      startsAt: jstText(new Date(r.startsAt)),
      endsAt: jstText(new Date(r.endsAt)),
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
  return (await enqueue(q, messages, now)).length;
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
  db: DataSource,
  actor: Actor,
  input: z.infer<typeof ServiceNoticeInput>,
  now: Date,
): Promise<{ queued: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<ContactRow[]>(
      `SELECT c.id AS "contractId", c.customer_name AS "customerName", k.email, k.language
       FROM contracts c JOIN contacts k ON k.contract_id = c.id WHERE c.status = 'active'`,
    );
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
    const queued = (await enqueue(tx, messages, now)).length;
    await recordAudit(tx, {
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
