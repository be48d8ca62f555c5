// Reads of the local mailbox (what the mailbox channel stored instead of sending).
import type { DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { MailboxMessageEntity } from "../db/entities/index.js";

export interface MailboxStore {
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
