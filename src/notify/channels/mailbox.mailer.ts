// The embedded default without SMTP_URL: e-mail "sent" into mailbox_messages, readable in the
// UI and API, so a newcomer sees what customers would receive. One row per outbox message
// (unique outbox_id), so a redelivery after a crash stores nothing twice.
import type { Clock } from "../../infra/clock.js";
import type { MailboxStore } from "../mailbox.store.js";
import type { ClaimedMessage } from "../outbox.store.js";
import type { DeliveryResult, Mailer, OutgoingMail } from "./channel.js";

export function mailboxMailer(deps: {
  mailbox: Pick<MailboxStore, "deliver">;
  clock: Clock;
  from: string;
}): Mailer {
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
      await deps.mailbox.deliver({
        outboxId: msg.id,
        contractId,
        from: deps.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers,
        receivedAt: deps.clock.now(),
      });
      return { providerId: mail.messageId ?? `mailbox:${msg.id}` };
    },
  };
}
