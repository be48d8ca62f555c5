// Termination deletes the customer's personal data at once (Art. 30, Appx 1, 3) and keeps what
// the law requires: invoices, payments and the audit trail (README "Data retention"). Runs in
// the termination's transaction, so the contract is never terminated with its data half gone.
import type { EntityManager } from "typeorm";

export interface PurgeResult {
  contacts: number;
  users: number;
  outboxRedacted: number;
  series: number;
}

const count = (result: unknown): number => {
  const r = result as unknown[];
  return r.length === 2 && Array.isArray(r[0]) && typeof r[1] === "number" ? r[1] : r.length;
};

export async function purgeContractData(
  tx: EntityManager,
  contractId: string,
): Promise<PurgeResult> {
  // As stored and lower-cased (the outbox lower-cases recipients).
  const emails = (
    await tx.query<{ email: string }[]>(
      `SELECT email FROM contacts WHERE contract_id = $1 UNION SELECT lower(email) FROM contacts WHERE contract_id = $1
       UNION SELECT email FROM users WHERE contract_id = $1 UNION SELECT lower(email) FROM users WHERE contract_id = $1`,
      [contractId],
    )
  ).map((r) => r.email);
  const contacts = count(
    await tx.query(`DELETE FROM contacts WHERE contract_id = $1 RETURNING id`, [contractId]),
  );
  await tx.query(
    `DELETE FROM credentials WHERE user_id IN (SELECT id FROM users WHERE contract_id = $1)`,
    [contractId],
  );
  const users = count(
    await tx.query(`DELETE FROM users WHERE contract_id = $1 RETURNING id`, [contractId]),
  );
  // Messages stay as a record that something was sent, without to whom or what; unsent ones stop.
  const outboxRedacted = count(
    await tx.query(
      `UPDATE outbox_messages SET recipient = 'deleted', idempotency_key = 'purged:' || id,
         payload = '{}'::jsonb, last_error = NULL,
         state = CASE WHEN state IN ('queued', 'sending') THEN 'skipped' ELSE state END
       WHERE contract_id = $1 AND channel = 'email' RETURNING id`,
      [contractId],
    ),
  );
  await tx.query(`DELETE FROM mailbox_messages WHERE contract_id = $1`, [contractId]);
  await tx.query(`DELETE FROM webhook_endpoints WHERE contract_id = $1`, [contractId]);
  // The audit trail is kept, with the deleted addresses blanked out of it.
  for (const email of emails) {
    await tx.query(
      `UPDATE audit_log SET
         before = CASE WHEN before IS NULL THEN NULL ELSE replace(before::text, $1, '[deleted]')::jsonb END,
         after = CASE WHEN after IS NULL THEN NULL ELSE replace(after::text, $1, '[deleted]')::jsonb END
       WHERE strpos(coalesce(before::text, '') || coalesce(after::text, ''), $1) > 0`,
      [email],
    );
  }
  await tx.query(
    `DELETE FROM metric_rollups WHERE series_id IN (
       SELECT s.id FROM metric_series s JOIN components k ON k.id = s.component_id WHERE k.contract_id = $1)`,
    [contractId],
  );
  const series = count(
    await tx.query(
      `DELETE FROM metric_series WHERE component_id IN (SELECT id FROM components WHERE contract_id = $1) RETURNING id`,
      [contractId],
    ),
  );
  return { contacts, users, outboxRedacted, series };
}
