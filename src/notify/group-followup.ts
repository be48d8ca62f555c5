// The customer follow-up of a grouped incident (decision 0014): when members join a routed
// incident, each contact gets one "more components affected" e-mail, at most one per
// `followupEveryMs` after the previous one (or the opened e-mail). While it waits it is
// re-rendered as the set grows, so a storm that keeps growing costs one e-mail per period.
import type { ContactEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import { languageOf } from "../domain/notify/format.js";
import { renderGroupFollowup, LISTED_MEMBERS } from "../domain/notify/group-mail.js";
import { threadHeaders } from "../domain/notify/incident-mail.js";
import { mailDomain } from "../domain/notify/format.js";
import type { IncidentChange } from "../incidents/events.js";
import { incidentFacts } from "./compose.js";
import type { ListenerSettings } from "./incident-listener.js";
import type { OutboxStore } from "./outbox.store.js";

export async function queueFollowups(
  outbox: OutboxStore,
  tx: Tx,
  change: IncidentChange,
  contacts: readonly ContactEntity[],
  settings: ListenerSettings,
  now: Date,
): Promise<void> {
  const i = change.incident;
  const data = change.event.data as { joined?: number; rejoined?: number };
  const grew = (data.joined ?? 0) + (data.rejoined ?? 0) > 0;
  if (!grew || i.suppressed || i.routedAt === null || i.state === "resolved") return;
  if (contacts.length === 0) return;
  const members = (await outbox.incidentMembers(tx, i.id, LISTED_MEMBERS)).map((x) => ({
    componentName: x.componentName ?? x.componentId.slice(0, 8),
    labels: Object.entries(x.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    active: x.active,
  }));
  const facts = incidentFacts(change, settings.publicUrl);
  const counts = { active: i.memberCount, total: i.membersTotal, atMs: now.getTime() };
  for (const c of contacts) {
    const lang = languageOf(c.language);
    const mail = renderGroupFollowup(facts, members, counts, lang);
    const waiting = await outbox.waitingFollowup(tx, i.id, c.email);
    if (waiting) {
      await outbox.setPayload(tx, waiting.id, { ...waiting.payload, ...mail, facts }, now);
      continue;
    }
    const last = await outbox.lastIncidentMail(tx, i.id, c.email);
    const since = last.at ? last.at.getTime() : now.getTime();
    const tag = `grew#${last.followups + 1}`;
    await outbox.enqueue(
      tx,
      [
        {
          key: `${i.id}:${tag}:${c.email}:email`,
          channel: "email",
          recipient: c.email,
          contractId: change.contract.id,
          incidentId: i.id,
          event: "incident.grew",
          language: lang,
          payload: {
            audience: "customer",
            ...mail,
            ...threadHeaders(i.id, mailDomain(settings.mailFrom), tag),
            facts,
          },
          nextAttemptAt: new Date(Math.max(now.getTime(), since + settings.followupEveryMs)),
        },
      ],
      now,
    );
  }
}
