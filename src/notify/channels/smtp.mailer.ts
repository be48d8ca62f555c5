// E-mail through an SMTP server (SMTP_URL): smtp:// upgrades with STARTTLS when offered
// (add ?requireTLS=true to insist), smtps:// is TLS from the first byte; user and password
// come from the URL. A pooled transport keeps connections open between messages.
import { createTransport } from "nodemailer";
import { DeliveryError, type DeliveryResult, type Mailer, type OutgoingMail } from "./channel.js";

export function smtpMailer(opts: { url: string; from: string; maxConnections?: number }): Mailer {
  const transport = createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    // Fail fast while the server is down: the outbox retries later with backoff.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail: OutgoingMail): Promise<DeliveryResult> {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...(mail.messageId ? { messageId: mail.messageId } : {}),
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references ? { references: mail.references } : {}),
          ...(mail.language ? { headers: { "Content-Language": mail.language } } : {}),
        });
        return { providerId: info.messageId ?? null };
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    close: () => {
      transport.close();
      return Promise.resolve();
    },
  };
}

function toDeliveryError(err: unknown): DeliveryError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const code = typeof e.code === "string" ? e.code : "ESMTP";
  // 5xx to the envelope (unknown mailbox, refused sender) will not change by retrying.
  const permanent = code === "EENVELOPE" && (e.responseCode ?? 0) >= 500;
  return new DeliveryError(
    code.toLowerCase(),
    e.message ?? String(err),
    permanent ? "permanent" : "retry",
  );
}
