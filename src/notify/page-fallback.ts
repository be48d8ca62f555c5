// A page whose e-mail keeps failing goes by the next channel: once the page e-mail has failed
// for `pageFallbackMs` (NOTIFY_PAGE_FALLBACK_MINUTES, default 5), a copy is queued to every
// enabled staff webhook (the NOC's chat or paging service), whatever events it subscribed to:
// a page nobody can read is the one case where the filter must not hide it. The copy uses the
// key the planner gives a page webhook, so an endpoint that already received this page by
// subscription is not sent it twice. With no staff webhook the page stays unacknowledged and
// the incident's escalation timer pages the next on-call level (SPEC 4).
import type { Logger } from "pino";
import type { ClaimedMessage, OutboxStore } from "./outbox.store.js";

export async function fallBackToStaffWebhooks(
  outbox: Pick<OutboxStore, "staffWebhookIds" | "enqueue">,
  msg: ClaimedMessage,
  lastError: string,
  now: Date,
  log: Logger,
): Promise<number> {
  const [incidentId, tag] = msg.idempotencyKey.split(":");
  const hooks = await outbox.staffWebhookIds();
  if (hooks.length === 0) {
    log.warn(
      { id: msg.id, recipient: msg.recipient },
      "page e-mail failing and no staff webhook to fall back to (escalation will page the next level)",
    );
    return 0;
  }
  const failingForS = Math.round((now.getTime() - new Date(msg.queuedAt).getTime()) / 1000);
  const inserted = await outbox.enqueue(
    undefined,
    hooks.map((hookId) => ({
      key: `${incidentId}:${tag}:${hookId}:webhook`,
      channel: "webhook",
      recipient: hookId,
      contractId: msg.contractId,
      incidentId: msg.incidentId,
      event: "page",
      language: "en",
      payload: {
        audience: "staff",
        body: {
          event: "page",
          key: `${incidentId}:${tag}:${hookId}:webhook`,
          fallbackFor: { channel: msg.channel, recipient: msg.recipient, lastError, failingForS },
          subject: msg.payload.subject,
          text: msg.payload.text,
          facts: msg.payload.facts,
        },
      },
      nextAttemptAt: now,
    })),
    now,
  );
  if (inserted.length > 0)
    log.warn(
      { id: msg.id, recipient: msg.recipient, webhooks: inserted.length, failingForS },
      "page e-mail failing: sent by the staff webhooks instead",
    );
  return inserted.length;
}
