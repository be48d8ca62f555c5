// Alert-storm digest at enqueue time. Opened incidents of one contract are serialized on a
// transaction-scoped advisory lock so the count of incidents in the window is exact; past the
// threshold each contact's `opened` e-mail is stored as `merged` into that contact's queued
// digest (created on first need, sent one window later), which is re-rendered as it grows.
import type { Tx } from "../db/unit-of-work.js";
import {
  digestSendAtMs,
  digestWindowStartMs,
  mergesIntoDigest,
  type DigestPolicy,
} from "../domain/notify/digest.js";
import { languageOf } from "../domain/notify/format.js";
import type { IncidentFacts } from "../domain/notify/incident-mail.js";
import { renderDigest } from "../domain/notify/notices.js";
import type { NewOutboxMessage, OutboxStore } from "./outbox.store.js";

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
  outbox: OutboxStore,
  tx: Tx,
  rows: NewOutboxMessage[],
  s: StormInput,
  policy: DigestPolicy,
  now: Date,
): Promise<NewOutboxMessage[]> {
  const emails = rows.filter((r) => r.channel === "email" && r.event === "incident.opened");
  if (emails.length === 0 || policy.threshold <= 0) return rows;
  await outbox.lockDigest(tx, s.contractId);
  const since = new Date(digestWindowStartMs(s.openedAt.getTime(), policy));
  const counted = await outbox.incidentsOpenedSince(tx, s.contractId, since);
  if (!mergesIntoDigest("incident.opened", counted, policy)) return rows;
  for (const row of emails) {
    const [inserted] = await outbox.enqueue(tx, [{ ...row, state: "merged" }], now);
    if (!inserted) continue; // already queued once: nothing new to merge
    const digestId = await appendToDigest(outbox, tx, row, s, policy, now);
    await outbox.markMerged(tx, inserted.id, digestId);
  }
  return rows.filter((r) => !emails.includes(r));
}

async function appendToDigest(
  outbox: OutboxStore,
  tx: Tx,
  row: NewOutboxMessage,
  s: StormInput,
  policy: DigestPolicy,
  now: Date,
): Promise<string> {
  const lang = languageOf(row.language);
  const link = `${s.publicUrl.replace(/\/+$/, "")}/#/incidents`;
  const open = await outbox.openDigest(tx, s.contractId, row.recipient);
  if (open) {
    const items = [...(open.payload.items as IncidentFacts[]), s.facts];
    const payload = { ...open.payload, items, ...renderDigest(s.contractName, items, link, lang) };
    await outbox.setPayload(tx, open.id, payload, now);
    return open.id;
  }
  const items = [s.facts];
  const [created] = await outbox.enqueue(
    tx,
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
