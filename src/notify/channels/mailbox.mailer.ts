// The embedded default without SMTP_URL: e-mail "sent" into mailbox_messages, readable in the
// UI and API, so a newcomer sees what customers would receive. One row per outbox message
// (unique outbox_id), so a redelivery after a crash stores nothing twice.
import type { Clock } from "../../infra/clock.js";
import type { Queryable } from "../outbox.store.js";
import type { DeliveryResult, Mailer, OutgoingMail } from "./channel.js";
import type { ClaimedMessage } from "../outbox.store.js";

export function mailboxMailer(deps: { db: Queryable; clock: Clock; from: string }): Mailer {
  return {
    async send(mail: OutgoingMail, msg: ClaimedMessage): Promise<DeliveryResult> {
      const headers: Record<string, string> = {
        ...(mail.messageId ? { "message-id": mail.messageId } : {}),
        ...(mail.inReplyTo ? { "in-reply-to": mail.inReplyTo } : {}),
        ...(mail.references ? { references: mail.references } : {}),
        ...(mail.language ? { "content-language": mail.language } : {}),
      };
      // Staff pages carry the incident's contract, but a customer must never read them.
      const contractId = msg.payload.audience === "customer" ? msg.contractId : null;
      await deps.db.query(
        `INSERT INTO mailbox_messages (outbox_id, contract_id, "from", "to", subject, text, html, headers, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (outbox_id) DO NOTHING`,
        [
          msg.id,
          contractId,
          deps.from,
          mail.to,
          mail.subject,
          mail.text,
          mail.html,
          headers,
          deps.clock.now(),
        ],
      );
      return { providerId: mail.messageId ?? `mailbox:${msg.id}` };
    },
  };
}
