import { z } from "zod";
import type {
  MailboxMessageEntity,
  OutboxMessageEntity,
  WebhookEndpointEntity,
} from "../db/entities/index.js";
import { NOTIFY_EVENTS } from "../domain/notify/plan.js";

export const DELIVERY_STATES = [
  "queued",
  "sending",
  "sent",
  "failed",
  "skipped",
  "merged",
] as const;
export const DeliveryState = z.enum(DELIVERY_STATES);
export const NotifyEvent = z.enum(NOTIFY_EVENTS);
const Instant = z.iso.datetime();

export const NotificationView = z.object({
  id: z.uuid(),
  channel: z.enum(["email", "webhook"]),
  recipient: z.string().describe("an e-mail address or a webhook endpoint id"),
  event: z.string(),
  language: z.string(),
  subject: z.string().nullable(),
  state: DeliveryState,
  attempts: z.number().int(),
  nextAttemptAt: Instant,
  lastError: z.string().nullable().describe("hidden from customers"),
  sentAt: Instant.nullable(),
  mergedInto: z.uuid().nullable().describe("the digest that took this message's place"),
  incidentId: z.uuid().nullable(),
  contractId: z.uuid().nullable(),
  createdAt: Instant,
});
export type NotificationView = z.infer<typeof NotificationView>;

export const toNotificationView = (o: OutboxMessageEntity, staff: boolean): NotificationView => ({
  id: o.id,
  channel: o.channel as NotificationView["channel"],
  recipient: o.recipient,
  event: o.event,
  language: o.language,
  subject: typeof o.payload.subject === "string" ? o.payload.subject : null,
  state: o.state as NotificationView["state"],
  attempts: o.attempts,
  nextAttemptAt: o.nextAttemptAt.toISOString(),
  lastError: staff ? o.lastError : null,
  sentAt: o.sentAt?.toISOString() ?? null,
  mergedInto: o.mergedInto,
  incidentId: o.incidentId,
  contractId: o.contractId,
  createdAt: o.createdAt.toISOString(),
});

export const MailboxSummary = z.object({
  id: z.uuid(),
  contractId: z.uuid().nullable(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  receivedAt: Instant,
});
export const MailboxMessageView = MailboxSummary.extend({
  outboxId: z.uuid(),
  text: z.string(),
  html: z.string(),
  headers: z.record(z.string(), z.string()),
});

export const toMailboxSummary = (m: MailboxMessageEntity) => ({
  id: m.id,
  contractId: m.contractId,
  from: m.from,
  to: m.to,
  subject: m.subject,
  receivedAt: m.receivedAt.toISOString(),
});
export const toMailboxView = (m: MailboxMessageEntity) => ({
  ...toMailboxSummary(m),
  outboxId: m.outboxId,
  text: m.text,
  html: m.html,
  headers: m.headers,
});

export const WebhookView = z.object({
  id: z.uuid(),
  contractId: z.uuid().nullable().describe("null: a staff endpoint (receives pages)"),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: Instant,
});
export const toWebhookView = (w: WebhookEndpointEntity) => ({
  id: w.id,
  contractId: w.contractId,
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  createdAt: w.createdAt.toISOString(),
});

export const NewWebhook = z.strictObject({
  name: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  events: z.array(NotifyEvent).max(NOTIFY_EVENTS.length).default([]),
  contractId: z
    .uuid()
    .nullable()
    .optional()
    .describe("staff only: the customer's endpoint; omit or null for a staff endpoint"),
});
