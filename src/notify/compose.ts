// Turns a planned message (domain/notify/plan) into an outbox row: the e-mail rendered in the
// contact's language with its threading headers, or the webhook's JSON body. Rendering at
// enqueue freezes what the customer is told to the moment of the change.
import { mailDomain } from "../domain/notify/format.js";
import {
  renderIncidentMail,
  threadHeaders,
  type IncidentFacts,
  type IncidentMailKind,
} from "../domain/notify/incident-mail.js";
import type { RenderedMail } from "../domain/notify/mail-doc.js";
import { renderPage, renderQuotaOverage } from "../domain/notify/notices.js";
import type { NotifyEvent, PlannedMessage } from "../domain/notify/plan.js";
import { jstMonthOf } from "../domain/time/jst.js";
import type { IncidentChange } from "../incidents/events.js";
import { assertNever } from "../shared/assert-never.js";
import type { NewOutboxMessage } from "./outbox.store.js";

export interface ComposeSettings {
  publicUrl: string;
  mailFrom: string;
}

export const incidentLink = (publicUrl: string, id: string) =>
  `${publicUrl.replace(/\/+$/, "")}/#/incidents/${id}`;

export function incidentFacts(change: IncidentChange, publicUrl: string): IncidentFacts {
  const i = change.incident;
  return {
    id: i.id,
    contractName: change.contract.customerName,
    componentName: change.component?.name ?? null,
    ruleName: i.ruleName,
    metric: i.metric,
    value: i.value,
    threshold: i.threshold,
    severity: i.severity,
    openedAtMs: new Date(i.openedAt).getTime(),
    tier: i.tier,
    runbookMissing: i.runbookMissing,
    link: incidentLink(publicUrl, i.id),
    membersTotal: i.membersTotal,
  };
}

const MAIL_KIND: Partial<Record<NotifyEvent, IncidentMailKind>> = {
  "incident.opened": "opened",
  "incident.acknowledged": "acknowledged",
  "incident.resolved": "resolved",
  "incident.reopened": "reopened",
};

function renderFor(p: PlannedMessage, change: IncidentChange, facts: IncidentFacts): RenderedMail {
  const atMs = new Date(change.event.at).getTime();
  const mailKind = MAIL_KIND[p.event];
  if (mailKind) {
    const ctx = { atMs, actorName: change.event.actorName, resolution: change.incident.resolution };
    return renderIncidentMail(mailKind, facts, ctx, p.language);
  }
  if (p.event === "incident.quota_overage")
    return renderQuotaOverage(facts, jstMonthOf(atMs), atMs, p.language);
  const page = { line: change.page?.line ?? "first", level: change.page?.level ?? 0, atMs };
  return renderPage(facts, { ...page, escalated: change.kind === "escalated" }, p.language);
}

export function composeIncidentMessage(
  p: PlannedMessage,
  change: IncidentChange,
  facts: IncidentFacts,
  settings: ComposeSettings,
  now: Date,
): NewOutboxMessage {
  const common = {
    key: p.key,
    channel: p.channel,
    recipient: p.recipient,
    contractId: change.contract.id,
    incidentId: change.incident.id,
    event: p.event,
    language: p.language,
    nextAttemptAt: now,
  };
  switch (p.channel) {
    case "email": {
      const mail = renderFor(p, change, facts);
      const thread = threadHeaders(
        facts.id,
        mailDomain(settings.mailFrom),
        p.event === "incident.opened" ? null : p.tag,
      );
      return { ...common, payload: { audience: p.audience, ...mail, ...thread, facts } };
    }
    case "webhook":
      return { ...common, payload: { audience: p.audience, body: webhookBody(p, change, facts) } };
    default:
      return assertNever(p.channel);
  }
}

function webhookBody(p: PlannedMessage, change: IncidentChange, facts: IncidentFacts) {
  const i = change.incident;
  return {
    event: p.event,
    key: p.key,
    at: new Date(change.event.at).toISOString(),
    contract: {
      id: change.contract.id,
      customerName: change.contract.customerName,
      plan: change.contract.plan,
    },
    component: change.component,
    incident: {
      id: i.id,
      state: i.state,
      severity: i.severity,
      tier: i.tier,
      ruleName: i.ruleName,
      metric: i.metric,
      value: i.value,
      threshold: i.threshold,
      openedAt: new Date(i.openedAt).toISOString(),
      escalationLevel: i.escalationLevel,
      link: facts.link,
    },
    ...(p.audience === "staff" && change.page
      ? {
          page: {
            userId: change.page.userId,
            displayName: change.page.displayName,
            line: change.page.line,
            level: change.page.level,
          },
        }
      : {}),
  };
}
