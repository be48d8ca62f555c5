// The outbox's SQL. Enqueue is INSERT … ON CONFLICT (idempotency_key) DO NOTHING inside the
// caller's transaction; claiming is one UPDATE over a FOR UPDATE SKIP LOCKED pick, so two
// workers never hold the same row; every later mark is fenced by the claim's attempt number,
// so a worker whose lease was taken over cannot overwrite the new owner's outcome.
import type { DataSource, FindOptionsWhere } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import { IncidentEntity, OutboxMessageEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import { membersOf, type MemberView } from "../incidents/incident.store.js";

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

// ---------------------------------------------------------------------------------------
// The outbox as the notification feature sees it: the statements above (shared with the
// contract notices) plus the reads and conditional updates of follow-ups, digests, notices,
// page fallbacks and the NOC's retry list. Writes take the caller's `Tx`, so a message
// commits with the change that caused it.

export interface Waiting {
  id: string;
  payload: Record<string, unknown>;
}

export interface NoticeContact {
  contractId: string;
  customerName: string;
  email: string;
  language: string;
}

export interface NotificationQuery {
  state?: string | undefined;
  incidentId?: string | undefined;
  contractId?: string | undefined;
  limit: number;
  offset: number;
}

export interface OutboxStore {
  /** Inserts the messages not queued before (in `tx`, or on their own); returns those inserted. */
  enqueue(
    tx: Tx | undefined,
    rows: readonly NewOutboxMessage[],
    now: Date,
  ): Promise<{ id: string; key: string }[]>;
  claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  settle(
    results: readonly { msg: Pick<ClaimedMessage, "id" | "attempts">; outcome: Outcome }[],
    now: Date,
  ): Promise<Set<string>>;
  renewClaims(claims: readonly Pick<ClaimedMessage, "id" | "attempts">[], now: Date): Promise<void>;
  depthByState(): Promise<Map<string, number>>;
  /** Enabled staff webhooks (no contract), oldest first: where a failing page falls back. */
  staffWebhookIds(): Promise<string[]>;

  /** The incident's members, active first (the follow-up lists them). */
  incidentMembers(tx: Tx, incidentId: string, limit: number): Promise<MemberView[]>;
  /** The queued follow-up to this recipient, locked until `tx` ends. */
  waitingFollowup(tx: Tx, incidentId: string, recipient: string): Promise<Waiting | undefined>;
  /** When the last opened/follow-up mail to this recipient was queued, and how many follow-ups. */
  lastIncidentMail(
    tx: Tx,
    incidentId: string,
    recipient: string,
  ): Promise<{ at: Date | null; followups: number }>;
  /** Re-renders a queued message. */
  setPayload(tx: Tx, id: string, payload: Record<string, unknown>, now: Date): Promise<void>;
  /** Serialises the storm count of one contract until `tx` ends. */
  lockDigest(tx: Tx, contractId: string): Promise<void>;
  /** Incidents of the contract opened since `since` and not suppressed. */
  incidentsOpenedSince(tx: Tx, contractId: string, since: Date): Promise<number>;
  /** The recipient's queued digest, newest, locked until `tx` ends. */
  openDigest(tx: Tx, contractId: string, recipient: string): Promise<Waiting | undefined>;
  markMerged(tx: Tx, id: string, digestId: string): Promise<void>;

  /** The contacts of the component's contract, with the component's name. */
  capReachedContacts(
    tx: Tx,
    componentId: string,
  ): Promise<(NoticeContact & { componentName: string })[]>;
  /** The contacts of each issued invoice's contract, with the invoice's facts. */
  invoiceContacts(
    tx: Tx,
    invoiceIds: readonly string[],
  ): Promise<(NoticeContact & { id: string; month: string; totalYen: number; dueDate: string })[]>;

  list(q: NotificationQuery): Promise<{ rows: OutboxMessageEntity[]; total: number }>;
  get(tx: Tx | undefined, id: string): Promise<OutboxMessageEntity | null>;
  /** Queued again with a fresh budget, only if failed or skipped; false otherwise. */
  requeue(tx: Tx, id: string, now: Date): Promise<boolean>;
  /** Whether the incident exists in scope (another contract's is "absent"). */
  incidentInScope(scope: ContractScope, incidentId: string): Promise<boolean>;
  /** An incident's messages, oldest first; `customerOnly` hides staff messages. */
  ofIncident(incidentId: string, customerOnly: boolean): Promise<OutboxMessageEntity[]>;
  audit(tx: Tx, entry: AuditEntry): Promise<void>;
}

export function createOutboxStore(db: DataSource): OutboxStore {
  const q = (tx: Tx | undefined): Queryable => (tx ? managerOf(tx) : db);
  return {
    enqueue: (tx, rows, now) => enqueue(q(tx), rows, now),
    claimDue: (now, leaseMs, limit) => claimDue(db, now, leaseMs, limit),
    settle: (results, now) => settle(db, results, now),
    renewClaims: (claims, now) => renewClaims(db, claims, now),
    depthByState: () => depthByState(db),
    staffWebhookIds: async () =>
      (
        await db.query<{ id: string }[]>(
          `SELECT id FROM webhook_endpoints WHERE enabled AND contract_id IS NULL ORDER BY created_at, id`,
        )
      ).map((h) => h.id),

    incidentMembers: (tx, incidentId, limit) => membersOf(managerOf(tx), incidentId, limit),
    async waitingFollowup(tx, incidentId, recipient) {
      const [row] = await managerOf(tx).query<Waiting[]>(
        `SELECT id, payload FROM outbox_messages
          WHERE incident_id = $1 AND event = 'incident.grew' AND recipient = $2 AND state = 'queued'
          FOR UPDATE`,
        [incidentId, recipient],
      );
      return row;
    },
    async lastIncidentMail(tx, incidentId, recipient) {
      const [row] = await managerOf(tx).query<{ at: Date | null; n: number }[]>(
        `SELECT max(created_at) AS at, count(*) FILTER (WHERE event = 'incident.grew')::int AS n
           FROM outbox_messages
          WHERE incident_id = $1 AND recipient = $2 AND event IN ('incident.opened', 'incident.grew')`,
        [incidentId, recipient],
      );
      return { at: row?.at ? new Date(row.at) : null, followups: row?.n ?? 0 };
    },
    async setPayload(tx, id, payload, now) {
      await managerOf(tx).query(
        `UPDATE outbox_messages SET payload = $2, updated_at = $3 WHERE id = $1`,
        [id, payload, now],
      );
    },
    async lockDigest(tx, contractId) {
      await managerOf(tx).query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `notify-digest:${contractId}`,
      ]);
    },
    async incidentsOpenedSince(tx, contractId, since) {
      const [row] = await managerOf(tx).query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM incidents WHERE contract_id = $1 AND opened_at >= $2 AND NOT suppressed`,
        [contractId, since],
      );
      return row?.n ?? 0;
    },
    async openDigest(tx, contractId, recipient) {
      const [row] = await managerOf(tx).query<Waiting[]>(
        `SELECT id, payload FROM outbox_messages
         WHERE event = 'digest' AND contract_id = $1 AND recipient = $2 AND state = 'queued'
         ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
        [contractId, recipient],
      );
      return row;
    },
    async markMerged(tx, id, digestId) {
      await managerOf(tx).query(`UPDATE outbox_messages SET merged_into = $2 WHERE id = $1`, [
        id,
        digestId,
      ]);
    },

    capReachedContacts: (tx, componentId) =>
      managerOf(tx).query(
        `SELECT c.id AS "contractId", c.customer_name AS "customerName", p.name AS "componentName",
           k.email, k.language
         FROM components p JOIN contracts c ON c.id = p.contract_id JOIN contacts k ON k.contract_id = c.id
         WHERE p.id = $1`,
        [componentId],
      ),
    async invoiceContacts(tx, invoiceIds) {
      if (invoiceIds.length === 0) return [];
      const rows = await managerOf(tx).query<
        (NoticeContact & { id: string; month: string; totalYen: string; dueDate: string })[]
      >(
        `SELECT i.id, i.contract_id AS "contractId", i.customer_name AS "customerName", i.month,
           i.total_yen::text AS "totalYen", i.due_date::text AS "dueDate", k.email, k.language
         FROM invoices i JOIN contacts k ON k.contract_id = i.contract_id
         WHERE i.id = ANY($1::uuid[])`,
        [invoiceIds],
      );
      return rows.map((r) => ({ ...r, totalYen: Number(r.totalYen) }));
    },

    async list(query) {
      const where: FindOptionsWhere<OutboxMessageEntity> = {
        ...(query.state ? { state: query.state } : {}),
        ...(query.incidentId ? { incidentId: query.incidentId } : {}),
        ...(query.contractId ? { contractId: query.contractId } : {}),
      };
      const [rows, total] = await db.getRepository(OutboxMessageEntity).findAndCount({
        where,
        order: { createdAt: "DESC", id: "ASC" },
        take: query.limit,
        skip: query.offset,
      });
      return { rows, total };
    },
    get: (tx, id) => (tx ? managerOf(tx) : db.manager).findOneBy(OutboxMessageEntity, { id }),
    async requeue(tx, id, now) {
      // Conditional update: a message that is queued, sending or sent is never re-sent.
      const updated = await managerOf(tx).query<{ id: string }[] | [{ id: string }[], number]>(
        `UPDATE outbox_messages SET state = 'queued', attempts = 0, next_attempt_at = $2, retry_from = $2, updated_at = $2
         WHERE id = $1 AND state IN ('failed', 'skipped') RETURNING id`,
        [id, now],
      );
      return returnedRows(updated).length > 0;
    },
    incidentInScope: (scope, id) =>
      db
        .getRepository(IncidentEntity)
        .existsBy(scope.kind === "all" ? { id } : { id, contractId: scope.contractId }),
    ofIncident(incidentId, customerOnly) {
      const qb = db
        .getRepository(OutboxMessageEntity)
        .createQueryBuilder("o")
        .where("o.incidentId = :id", { id: incidentId })
        .orderBy("o.createdAt", "ASC")
        .addOrderBy("o.id", "ASC");
      if (customerOnly) qb.andWhere(`o.payload->>'audience' = 'customer'`);
      return qb.getMany();
    },
    audit: (tx, entry) => recordAudit(managerOf(tx), entry),
  };
}
