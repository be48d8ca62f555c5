// Reads of the local mailbox (what the mailbox channel stored instead of sending).
import type { DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { MailboxMessageEntity } from "../db/entities/index.js";

export interface NewMailboxMessage {
  outboxId: string;
  contractId: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

export interface MailboxStore {
  /** Stores a delivered e-mail once per outbox message (a redelivery stores nothing). */
  deliver(m: NewMailboxMessage): Promise<void>;
  /** Newest first; only `contractId`'s messages when given. */
  list(q: {
    contractId?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<{ rows: MailboxMessageEntity[]; total: number }>;
  /** The message if in scope (staff pages carry no contract: customers never see them). */
  get(scope: ContractScope, id: string): Promise<MailboxMessageEntity | null>;
}

export function createMailboxStore(db: DataSource): MailboxStore {
  const repo = () => db.getRepository(MailboxMessageEntity);
  return {
    async deliver(m) {
      await db.query(
        `INSERT INTO mailbox_messages (outbox_id, contract_id, "from", "to", subject, text, html, headers, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (outbox_id) DO NOTHING`,
        [
          m.outboxId,
          m.contractId,
          m.from,
          m.to,
          m.subject,
          m.text,
          m.html,
          m.headers,
          m.receivedAt,
        ],
      );
    },
    async list(q) {
      const [rows, total] = await repo().findAndCount({
        where: q.contractId ? { contractId: q.contractId } : {},
        order: { receivedAt: "DESC", id: "ASC" },
        take: q.limit,
        skip: q.offset,
      });
      return { rows, total };
    },
    get: (scope, id) =>
      repo().findOneBy(scope.kind === "all" ? { id } : { id, contractId: scope.contractId }),
  };
}
