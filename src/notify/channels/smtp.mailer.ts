// E-mail through an SMTP server (SMTP_URL): smtps:// is TLS from the first byte; smtp://
// follows SMTP_TLS (require: STARTTLS or fail, opportunistic: STARTTLS when offered, none:
// plain). The certificate is verified against the system CAs plus SMTP_TLS_CA_FILE unless
// SMTP_TLS_REJECT_UNAUTHORIZED=false. User and password come from the URL. A pooled
// transport keeps connections open between messages.
import { rootCertificates } from "node:tls";
import { createTransport } from "nodemailer";
import type { SmtpTls } from "../../infra/config.js";
import { DeliveryError, type DeliveryResult, type Mailer, type OutgoingMail } from "./channel.js";

export function smtpMailer(opts: {
  url: string;
  from: string;
  tls?: SmtpTls;
  maxConnections?: number;
}): Mailer {
  const tls = opts.tls ?? { mode: "opportunistic", rejectUnauthorized: true };
  const transport = createTransport({
    url: opts.url,
    requireTLS: tls.mode === "require",
    ignoreTLS: tls.mode === "none",
    tls: {
      rejectUnauthorized: tls.rejectUnauthorized,
      // Added to Node's CAs, not replacing them, so a public relay still verifies.
      ...(tls.ca !== undefined ? { ca: [...rootCertificates, tls.ca] } : {}),
    },
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
  let message = e.message ?? String(err);
  if (/certificate|self[- ]signed|CERT_/i.test(message))
    message += ` — the SMTP server's TLS certificate is not trusted: set SMTP_TLS_CA_FILE to the CA that signed it (or see "E-mail over TLS" in the README)`;
  return new DeliveryError(code.toLowerCase(), message, permanent ? "permanent" : "retry");
}
