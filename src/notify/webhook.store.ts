// Persistence of webhook endpoints (the API's side; the channel reads its endpoint itself).
import { IsNull, type DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import { getContract } from "../contracts/contract.store.js";
import { WebhookEndpointEntity } from "../db/entities/index.js";
import { managerOf, typeormUnitOfWork, type Tx, type UnitOfWork } from "../db/unit-of-work.js";

export interface WebhookQuery {
  /** A contract's endpoints; `null`: the staff endpoints; absent: all. */
  contractId?: string | null;
  limit: number;
  offset: number;
}

export type NewWebhookRow = Pick<
  WebhookEndpointEntity,
  "contractId" | "name" | "url" | "events" | "secret"
>;

/** What the channel needs to post to an endpoint. */
export interface WebhookTarget {
  url: string;
  secret: string;
  enabled: boolean;
  contractId: string | null;
}

export interface WebhookStore {
  /** The endpoint a queued message goes to, or undefined once deleted. */
  target(id: string): Promise<WebhookTarget | undefined>;
  list(q: WebhookQuery): Promise<{ rows: WebhookEndpointEntity[]; total: number }>;
  /** Throws NOT_FOUND when the contract is absent or out of scope. */
  assertContract(tx: Tx, scope: ContractScope, contractId: string): Promise<void>;
  add(tx: Tx, row: NewWebhookRow): Promise<WebhookEndpointEntity>;
  get(tx: Tx, id: string): Promise<WebhookEndpointEntity | null>;
  remove(tx: Tx, id: string): Promise<void>;
  audit(tx: Tx, entry: AuditEntry): Promise<void>;
}

export interface WebhookDeps {
  uow: UnitOfWork;
  store: WebhookStore;
}

export function createWebhookStore(db: DataSource): WebhookStore {
  return {
    async target(id) {
      const [row] = await db.query<WebhookTarget[]>(
        `SELECT url, secret, enabled, contract_id AS "contractId" FROM webhook_endpoints WHERE id = $1`,
        [id],
      );
      return row;
    },
    async list(q) {
      const where = q.contractId === undefined ? {} : { contractId: q.contractId ?? IsNull() };
      const [rows, total] = await db.getRepository(WebhookEndpointEntity).findAndCount({
        where,
        order: { createdAt: "ASC", id: "ASC" },
        take: q.limit,
        skip: q.offset,
      });
      return { rows, total };
    },
    async assertContract(tx, scope, contractId) {
      await getContract(managerOf(tx), scope, contractId);
    },
    add(tx, row) {
      const m = managerOf(tx);
      return m.save(WebhookEndpointEntity, m.create(WebhookEndpointEntity, row));
    },
    get: (tx, id) => managerOf(tx).findOneBy(WebhookEndpointEntity, { id }),
    async remove(tx, id) {
      await managerOf(tx).delete(WebhookEndpointEntity, { id });
    },
    audit: (tx, entry) => recordAudit(managerOf(tx), entry),
  };
}

export function webhookDeps(db: DataSource): WebhookDeps {
  return { uow: typeormUnitOfWork(db), store: createWebhookStore(db) };
}
