// One interface for every way a message leaves the platform (STYLE: one adapter per channel).
import type { ClaimedMessage } from "../outbox.store.js";

export interface DeliveryResult {
  /** The Message-ID (e-mail) or the receiver's id/status (webhook). */
  providerId: string | null;
}

export interface DeliveryChannel {
  send(msg: ClaimedMessage): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

/**
 * A failed delivery with a metrics-friendly reason. `permanent` gives up at once (the
 * address was refused); `skip` means there is nothing to deliver to any more (endpoint
 * deleted or disabled) and ends as `skipped`, not `failed`.
 */
export class DeliveryError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly kind: "retry" | "permanent" | "skip" = "retry",
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** An e-mail as the outbox stores it (rendered at enqueue). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  /** The reader's language ("ja" | "en"): the Content-Language header. */
  language?: string;
}

/** Where e-mail goes: an SMTP server, or the local mailbox of the embedded default. */
export interface Mailer {
  send(mail: OutgoingMail, msg: ClaimedMessage): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

export function mailOf(msg: ClaimedMessage): OutgoingMail {
  const p = msg.payload as Partial<Record<string, unknown>>;
  const str = (k: string) => (typeof p[k] === "string" ? p[k] : undefined);
  return {
    to: msg.recipient,
    subject: str("subject") ?? "(no subject)",
    text: str("text") ?? "",
    html: str("html") ?? "",
    ...(str("messageId") ? { messageId: str("messageId")! } : {}),
    ...(str("inReplyTo") ? { inReplyTo: str("inReplyTo")! } : {}),
    ...(str("references") ? { references: str("references")! } : {}),
    ...(msg.language ? { language: msg.language } : {}),
  };
}

/** The e-mail channel: the mailer decides where the message actually goes. */
export function emailChannel(mailer: Mailer): DeliveryChannel {
  return {
    send: (msg) => mailer.send(mailOf(msg), msg),
    close: () => mailer.close?.() ?? Promise.resolve(),
  };
}
