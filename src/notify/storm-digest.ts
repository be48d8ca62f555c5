// Alert-storm digest at enqueue time. Opened incidents of one contract are serialized on a
// transaction-scoped advisory lock so the count of incidents in the window is exact; past the
// threshold each contact's `opened` e-mail is stored as `merged` into that contact's queued
// digest (created on first need, sent one window later), which is re-rendered as it grows.
import type { EntityManager } from "typeorm";
import {
  digestSendAtMs,
  digestWindowStartMs,
  mergesIntoDigest,
  type DigestPolicy,
} from "../domain/notify/digest.js";
import { languageOf } from "../domain/notify/format.js";
import type { IncidentFacts } from "../domain/notify/incident-mail.js";
import { renderDigest } from "../domain/notify/notices.js";
import { enqueue, type NewOutboxMessage } from "./outbox.store.js";

export interface StormInput {
  contractId: string;
  contractName: string;
  incidentId: string;
  openedAt: Date;
  facts: IncidentFacts;
  publicUrl: string;
}

/** Returns the rows still to enqueue one by one (all of them unless the storm merges). */
export async function mergeStorm(
  m: EntityManager,
  rows: NewOutboxMessage[],
  s: StormInput,
  policy: DigestPolicy,
  now: Date,
): Promise<NewOutboxMessage[]> {
  const emails = rows.filter((r) => r.channel === "email" && r.event === "incident.opened");
  if (emails.length === 0 || policy.threshold <= 0) return rows;
  await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`notify-digest:${s.contractId}`]);
  const [counted] = await m.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM incidents WHERE contract_id = $1 AND opened_at >= $2 AND NOT suppressed`,
    [s.contractId, new Date(digestWindowStartMs(s.openedAt.getTime(), policy))],
  );
  if (!mergesIntoDigest("incident.opened", counted?.n ?? 0, policy)) return rows;
  for (const row of emails) {
    const [inserted] = await enqueue(m, [{ ...row, state: "merged" }], now);
    if (!inserted) continue; // already queued once: nothing new to merge
    const digestId = await appendToDigest(m, row, s, policy, now);
    await m.query(`UPDATE outbox_messages SET merged_into = $2 WHERE id = $1`, [
      inserted.id,
      digestId,
    ]);
  }
  return rows.filter((r) => !emails.includes(r));
}

async function appendToDigest(
  m: EntityManager,
  row: NewOutboxMessage,
  s: StormInput,
  policy: DigestPolicy,
  now: Date,
): Promise<string> {
  const lang = languageOf(row.language);
  const link = `${s.publicUrl.replace(/\/+$/, "")}/#/incidents`;
  const [open] = await m.query<{ id: string; payload: { items: IncidentFacts[] } }[]>(
    `SELECT id, payload FROM outbox_messages
     WHERE event = 'digest' AND contract_id = $1 AND recipient = $2 AND state = 'queued'
     ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [s.contractId, row.recipient],
  );
  if (open) {
    const items = [...open.payload.items, s.facts];
    const payload = { ...open.payload, items, ...renderDigest(s.contractName, items, link, lang) };
    await m.query(`UPDATE outbox_messages SET payload = $2, updated_at = $3 WHERE id = $1`, [
      open.id,
      payload,
      now,
    ]);
    return open.id;
  }
  const items = [s.facts];
  const [created] = await enqueue(
    m,
    [
      {
        key: `digest:${s.contractId}:${row.recipient}:${s.incidentId}`,
        channel: "email",
        recipient: row.recipient,
        contractId: s.contractId,
        incidentId: null,
        event: "digest",
        language: lang,
        payload: {
          audience: "customer",
          contractName: s.contractName,
          items,
          ...renderDigest(s.contractName, items, link, lang),
        },
        nextAttemptAt: new Date(digestSendAtMs(now.getTime(), policy)),
      },
    ],
    now,
  );
  if (!created) throw new Error("digest key collision"); // the incident id is fresh per storm row
  return created.id;
}
