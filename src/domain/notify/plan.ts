// Who is told what about an incident change (SPEC 2 and 4), as a pure decision: customer
// contacts get opened / acknowledged / resolved (every tier, watch included) and quota
// notices; the paged engineer and the staff webhooks get pages; a maintenance-suppressed
// incident tells nobody (until its window ends and it is routed); repeats, notes and
// internal steps tell nobody.
import { languageOf, type Language } from "./format.js";

export const NOTIFY_EVENTS = [
  "incident.opened",
  "incident.acknowledged",
  "incident.resolved",
  "incident.reopened",
  "incident.quota_overage",
  "incident.grew",
  "page",
  "cap.reached",
  "invoice.issued",
  "digest",
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export type Channel = "email" | "webhook";
export type Audience = "customer" | "staff";

export interface Endpoint {
  id: string;
  /** Event names it receives; empty = all. */
  events: readonly string[];
}

export interface PlanInput {
  /** The incident change kind (opened, paged, note, …). */
  kind: string;
  incidentId: string;
  suppressed: boolean;
  /** Routed (tier known): the opened e-mail says what the plan's response will be. */
  routed: boolean;
  reopenCount: number;
  page?: { email: string; language: string; level: number } | undefined;
  contacts: readonly { email: string; language: string }[];
  customerWebhooks: readonly Endpoint[];
  staffWebhooks: readonly Endpoint[];
}

export interface PlannedMessage {
  channel: Channel;
  recipient: string;
  language: Language;
  event: NotifyEvent;
  audience: Audience;
  /** Distinguishes legitimate repeats of one event (a second resolve after a reopen). */
  tag: string;
  /** `${incidentId}:${tag}:${recipient}:${channel}` — one message per key, ever. */
  key: string;
}

type Step = { event: NotifyEvent; tag: string; audience: Audience } | null;

function stepOf(input: PlanInput): Step {
  const n = input.reopenCount;
  switch (input.kind) {
    // The customer's `opened` e-mail states the routed response, so it goes out with the
    // routing outcome (the outbox writer hears `routed`, decision 0018); keyed once per incident.
    case "opened":
    case "routed":
      return input.routed
        ? { event: "incident.opened", tag: "opened", audience: "customer" }
        : null;
    case "acknowledged":
      return { event: "incident.acknowledged", tag: `acknowledged#${n}`, audience: "customer" };
    case "resolved":
      return { event: "incident.resolved", tag: `resolved#${n}`, audience: "customer" };
    case "reopened":
      return { event: "incident.reopened", tag: `reopened#${n}`, audience: "customer" };
    case "quota_overage":
      return { event: "incident.quota_overage", tag: "quota_overage", audience: "customer" };
    case "paged":
    case "escalated":
      return input.page
        ? { event: "page", tag: `page#${n}.${input.page.level}`, audience: "staff" }
        : null;
    default:
      return null; // repeated, note, routed, condition_cleared, outage_*, runbook_*: internal
  }
}

export const receives = (e: Endpoint, event: NotifyEvent): boolean =>
  e.events.length === 0 || e.events.includes(event);

export function planIncidentMessages(input: PlanInput): PlannedMessage[] {
  if (input.suppressed) return [];
  const step = stepOf(input);
  if (!step) return [];
  const out = new Map<string, PlannedMessage>();
  const add = (channel: Channel, recipient: string, language: string) => {
    const key = `${input.incidentId}:${step.tag}:${recipient}:${channel}`;
    if (!out.has(key)) {
      out.set(key, { channel, recipient, language: languageOf(language), key, ...step });
    }
  };
  if (step.audience === "customer") {
    for (const c of input.contacts) add("email", c.email.trim().toLowerCase(), c.language);
    for (const w of input.customerWebhooks) if (receives(w, step.event)) add("webhook", w.id, "en");
  } else if (input.page) {
    add("email", input.page.email.trim().toLowerCase(), input.page.language);
    for (const w of input.staffWebhooks) if (receives(w, step.event)) add("webhook", w.id, "en");
  }
  return [...out.values()];
}
