// The outbox's SQL. Enqueue is INSERT … ON CONFLICT (idempotency_key) DO NOTHING inside the
// caller's transaction; claiming is one UPDATE over a FOR UPDATE SKIP LOCKED pick, so two
// workers never hold the same row; every later mark is fenced by the claim's attempt number,
// so a worker whose lease was taken over cannot overwrite the new owner's outcome.

/** A DataSource or a transaction's EntityManager: inside a transaction, always the latter. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL with `[rows, affectedCount]`. */
export function returnedRows<T>(result: T[] | [T[], number]): T[] {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number"
    ? result[0]
    : (result as T[]);
}

export interface NewOutboxMessage {
  key: string;
  channel: string;
  recipient: string;
  contractId: string | null;
  incidentId: string | null;
  event: string;
  language: string;
  payload: Record<string, unknown>;
  state?: "queued" | "merged";
  nextAttemptAt: Date;
  mergedInto?: string | null;
}

export interface ClaimedMessage {
  id: string;
  idempotencyKey: string;
  channel: string;
  recipient: string;
  contractId: string | null;
  incidentId: string | null;
  event: string;
  language: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** When it was queued (or retried by hand): its retries are budgeted in time from here. */
  queuedAt: Date;
}

/** Inserts the messages not queued before; returns the (id, key) of those it inserted. */
export async function enqueue(
  q: Queryable,
  rows: readonly NewOutboxMessage[],
  now: Date,
): Promise<{ id: string; key: string }[]> {
  if (rows.length === 0) return [];
  const records = rows.map((r) => ({
    idempotency_key: r.key,
    channel: r.channel,
    recipient: r.recipient,
    contract_id: r.contractId,
    incident_id: r.incidentId,
    event: r.event,
    language: r.language,
    payload: r.payload,
    state: r.state ?? "queued",
    next_attempt_at: r.nextAttemptAt.toISOString(),
    merged_into: r.mergedInto ?? null,
  }));
  return await q.query<{ id: string; key: string }[]>(
    `INSERT INTO outbox_messages (idempotency_key, channel, recipient, contract_id, incident_id, event, language,
       payload, state, next_attempt_at, merged_into, created_at, updated_at)
     SELECT r.idempotency_key, r.channel, r.recipient, r.contract_id, r.incident_id, r.event, r.language,
       r.payload, r.state, r.next_attempt_at, r.merged_into, $2, $2
     FROM jsonb_to_recordset($1::jsonb) AS r(idempotency_key text, channel text, recipient text, contract_id uuid,
       incident_id uuid, event text, language text, payload jsonb, state text, next_attempt_at timestamptz, merged_into uuid)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id, idempotency_key AS key`,
    [JSON.stringify(records), now],
  );
}

const CLAIMED_COLUMNS = `o.id, o.idempotency_key AS "idempotencyKey", o.channel, o.recipient,
  o.contract_id AS "contractId", o.incident_id AS "incidentId", o.event, o.language, o.payload, o.attempts,
  COALESCE(o.retry_from, o.created_at) AS "queuedAt"`;

/**
 * Claims up to `limit` due messages: queued ones whose time has come, and `sending` ones
 * whose lease ran out (their worker died between claim and outcome).
 */
export async function claimDue(
  q: Queryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedMessage[]> {
  const result = await q.query<ClaimedMessage[] | [ClaimedMessage[], number]>(
    `WITH due AS (
       SELECT id FROM outbox_messages
       WHERE (state = 'queued' AND next_attempt_at <= $1) OR (state = 'sending' AND claimed_at < $2)
       ORDER BY next_attempt_at, id LIMIT $3
       FOR UPDATE SKIP LOCKED)
     UPDATE outbox_messages o SET state = 'sending', claimed_at = $1, attempts = o.attempts + 1, updated_at = $1
     FROM due WHERE o.id = due.id
     RETURNING ${CLAIMED_COLUMNS}`,
    [now, new Date(now.getTime() - leaseMs), limit],
  );
  return returnedRows(result);
}

export type Outcome =
  | { state: "sent"; providerId: string | null }
  | { state: "queued"; error: string; nextAttemptAt: Date }
  | { state: "failed" | "skipped"; error: string };

/**
 * Records the outcomes of a batch in one statement; returns the ids whose claim still held
 * (a claim is lost when its lease ran out and another worker took the row over).
 */
export async function settle(
  q: Queryable,
  results: readonly { msg: Pick<ClaimedMessage, "id" | "attempts">; outcome: Outcome }[],
  now: Date,
): Promise<Set<string>> {
  if (results.length === 0) return new Set();
  const records = results.map(({ msg, outcome: o }) => ({
    id: msg.id,
    attempts: msg.attempts,
    state: o.state,
    provider_id: o.state === "sent" ? o.providerId : null,
    error: o.state === "sent" ? null : o.error.slice(0, 2000),
    next_attempt_at: o.state === "queued" ? o.nextAttemptAt.toISOString() : null,
  }));
  const result = await q.query<{ id: string }[] | [{ id: string }[], number]>(
    `UPDATE outbox_messages o SET state = r.state, updated_at = $2, claimed_at = NULL,
       sent_at = CASE WHEN r.state = 'sent' THEN $2 ELSE o.sent_at END,
       provider_id = COALESCE(r.provider_id, o.provider_id),
       last_error = CASE WHEN r.state = 'sent' THEN NULL ELSE r.error END,
       next_attempt_at = COALESCE(r.next_attempt_at, o.next_attempt_at)
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, attempts int, state text, provider_id text,
       error text, next_attempt_at timestamptz)
     WHERE o.id = r.id AND o.state = 'sending' AND o.attempts = r.attempts
     RETURNING o.id`,
    [JSON.stringify(records), now],
  );
  return new Set(returnedRows(result).map((r) => r.id));
}

/**
 * Extends the lease of claims still being sent (fenced like `settle`), so a slow SMTP server
 * does not let another worker take a message over while it is being delivered.
 */
export async function renewClaims(
  q: Queryable,
  claims: readonly Pick<ClaimedMessage, "id" | "attempts">[],
  now: Date,
): Promise<void> {
  if (claims.length === 0) return;
  await q.query(
    `UPDATE outbox_messages o SET claimed_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, attempts int)
     WHERE o.id = r.id AND o.state = 'sending' AND o.attempts = r.attempts`,
    [JSON.stringify(claims.map((c) => ({ id: c.id, attempts: c.attempts }))), now],
  );
}

/** Queue depth by state for the metrics gauge (terminal `sent`/`merged` rows are history). */
export async function depthByState(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.query<{ state: string; n: number }[]>(
    `SELECT state, count(*)::int AS n FROM outbox_messages
     WHERE state IN ('queued', 'sending', 'failed') GROUP BY state`,
  );
  return new Map(rows.map((r) => [r.state, r.n]));
}
