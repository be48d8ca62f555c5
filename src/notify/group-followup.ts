// The customer follow-up of a grouped incident (decision 0014): when members join a routed
// incident, each contact gets one "more components affected" e-mail, at most one per
// `followupEveryMs` after the previous one (or the opened e-mail). While it waits it is
// re-rendered as the set grows, so a storm that keeps growing costs one e-mail per period.
import type { EntityManager } from "typeorm";
import type { ContactEntity } from "../db/entities/index.js";
import { languageOf } from "../domain/notify/format.js";
import { renderGroupFollowup, LISTED_MEMBERS } from "../domain/notify/group-mail.js";
import { threadHeaders } from "../domain/notify/incident-mail.js";
import { mailDomain } from "../domain/notify/format.js";
import type { IncidentChange } from "../incidents/events.js";
import { membersOf } from "../incidents/incident.store.js";
import { incidentFacts } from "./compose.js";
import type { ListenerSettings } from "./incident-listener.js";
import { enqueue } from "./outbox.store.js";

export async function queueFollowups(
  m: EntityManager,
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
  const members = (await membersOf(m, i.id, LISTED_MEMBERS)).map((x) => ({
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
    const [waiting] = await m.query<{ id: string; payload: Record<string, unknown> }[]>(
      `SELECT id, payload FROM outbox_messages
        WHERE incident_id = $1 AND event = 'incident.grew' AND recipient = $2 AND state = 'queued'
        FOR UPDATE`,
      [i.id, c.email],
    );
    if (waiting) {
      await m.query(`UPDATE outbox_messages SET payload = $2, updated_at = $3 WHERE id = $1`, [
        waiting.id,
        { ...waiting.payload, ...mail, facts },
        now,
      ]);
      continue;
    }
    const [last] = await m.query<{ at: Date | null; n: number }[]>(
      `SELECT max(created_at) AS at, count(*) FILTER (WHERE event = 'incident.grew')::int AS n
         FROM outbox_messages
        WHERE incident_id = $1 AND recipient = $2 AND event IN ('incident.opened', 'incident.grew')`,
      [i.id, c.email],
    );
    const since = last?.at ? new Date(last.at).getTime() : now.getTime();
    const tag = `grew#${(last?.n ?? 0) + 1}`;
    await enqueue(
      m,
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
