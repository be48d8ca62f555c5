// Components (VMs) with their OS/relaxation history, and agent tokens.
import { IsNull, LessThanOrEqual, type DataSource, type EntityManager } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { AgentTokenEntity, ComponentChangeEntity, ComponentEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import { affected, getComponent } from "./contract.store.js";

export type NewComponentRow = Pick<
  ComponentEntity,
  "contractId" | "name" | "os" | "capRelaxations" | "activeFrom"
>;
export type NewComponentChange = Pick<
  ComponentChangeEntity,
  "componentId" | "contractId" | "effectiveMonth" | "os" | "capRelaxations" | "createdBy"
>;
export interface ComponentState {
  os: string;
  capRelaxations: number;
}

export interface ComponentStore {
  /** Fetch-or-throw in the tenant's scope: another contract's component is NOT_FOUND. */
  get(scope: ContractScope, id: string, tx?: Tx): Promise<ComponentEntity>;
  /** A contract's components by name. */
  list(
    contractId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: ComponentEntity[]; total: number }>;
  nameTaken(tx: Tx, contractId: string, name: string): Promise<boolean>;
  create(tx: Tx, component: NewComponentRow): Promise<ComponentEntity>;
  save(tx: Tx, row: ComponentEntity): Promise<ComponentEntity>;
  addChange(tx: Tx, change: NewComponentChange): Promise<void>;
  /** The state in force in `month` by the stored history; null when it has none by then. */
  stateIn(tx: Tx, componentId: string, month: string): Promise<ComponentState | null>;
  /** Gives every still-open component of the contract the end date `endDate`. */
  endAll(tx: Tx, contractId: string, endDate: string): Promise<void>;
  /** Sets each component's row to the state in force in `month`; returns how many changed. */
  applyDueChanges(month: string): Promise<number>;
}

export type NewAgentToken = Pick<
  AgentTokenEntity,
  "contractId" | "componentId" | "scope" | "tokenHash" | "prefix"
>;

export interface AgentTokenStore {
  /** A contract's tokens, oldest first. */
  list(contractId: string): Promise<AgentTokenEntity[]>;
  find(scope: ContractScope, id: string, tx?: Tx): Promise<AgentTokenEntity | null>;
  create(tx: Tx, token: NewAgentToken): Promise<AgentTokenEntity>;
  save(tx: Tx, row: AgentTokenEntity): Promise<AgentTokenEntity>;
  /** Revokes the live tokens of one component or of a whole contract. */
  revokeLive(
    tx: Tx,
    of: { componentId: string } | { contractId: string },
    now: Date,
  ): Promise<void>;
}

const mgr = (db: DataSource, tx?: Tx): EntityManager => (tx ? managerOf(tx) : db.manager);

export function createComponentStore(db: DataSource): ComponentStore {
  return {
    get: (scope, id, tx) => getComponent(mgr(db, tx), scope, id),
    list: async (contractId, page) => {
      const [rows, total] = await db.getRepository(ComponentEntity).findAndCount({
        where: { contractId },
        order: { name: "ASC" },
        take: page.limit,
        skip: page.offset,
      });
      return { rows, total };
    },
    nameTaken: (tx, contractId, name) =>
      managerOf(tx).existsBy(ComponentEntity, { contractId, name }),
    create: (tx, c) => managerOf(tx).save(managerOf(tx).create(ComponentEntity, c)),
    save: (tx, row) => managerOf(tx).save(row),
    addChange: async (tx, change) => {
      await managerOf(tx).insert(ComponentChangeEntity, change);
    },
    stateIn: (tx, componentId, month) =>
      managerOf(tx).findOne(ComponentChangeEntity, {
        where: { componentId, effectiveMonth: LessThanOrEqual(month) },
        order: { effectiveMonth: "DESC", createdAt: "DESC" },
      }),
    endAll: async (tx, contractId, endDate) => {
      await managerOf(tx).update(
        ComponentEntity,
        { contractId, activeUntil: IsNull() },
        { activeUntil: endDate },
      );
    },
    applyDueChanges: async (month) =>
      affected(
        await db.query<unknown[]>(
          `UPDATE components k SET os = h.os, cap_relaxations = h.cap_relaxations
           FROM (SELECT DISTINCT ON (component_id) component_id, os, cap_relaxations FROM component_changes
                 WHERE effective_month <= $1 ORDER BY component_id, effective_month DESC, created_at DESC) h
           WHERE h.component_id = k.id AND (k.os <> h.os OR k.cap_relaxations <> h.cap_relaxations)
           RETURNING k.id`,
          [month],
        ),
      ),
  };
}

export function createAgentTokenStore(db: DataSource): AgentTokenStore {
  return {
    list: (contractId) =>
      db
        .getRepository(AgentTokenEntity)
        .find({ where: { contractId }, order: { createdAt: "ASC" } }),
    find: (scope, id, tx) =>
      mgr(db, tx).findOneBy(
        AgentTokenEntity,
        scope.kind === "all" ? { id } : { id, contractId: scope.contractId },
      ),
    create: (tx, t) => managerOf(tx).save(managerOf(tx).create(AgentTokenEntity, t)),
    save: (tx, row) => managerOf(tx).save(row),
    revokeLive: async (tx, of, now) => {
      await managerOf(tx).update(
        AgentTokenEntity,
        { ...of, revokedAt: IsNull() },
        { revokedAt: now },
      );
    },
  };
}
