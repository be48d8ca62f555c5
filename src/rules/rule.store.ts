// The rules' persistence (#17 store pattern): what the engine reads (rules, which components
// may alert, what was firing before a restart), the idempotent seeding of the default pack,
// and the rows behind the rules API. The use cases see `RuleStore`, never TypeORM.
import { IsNull, Not, type DataSource, type EntityManager, type FindOptionsWhere } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { recordAudit, type AuditEntry } from "../audit/audit.js";
import { getContract } from "../contracts/scoped.js";
import { ComponentEntity, ContractEntity, RuleEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import { DEFAULT_PACK } from "../domain/rules/default-pack.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import { jstDateOf } from "../domain/time/jst.js";
import type { FiringKey } from "./engine-state.js";
import type { DirectoryEntry } from "./rule-binder.js";
import { toRuleSpec } from "./views.js";

/** A rule before it is saved: the row without the columns the database fills in. */
export type RuleDraft = Omit<RuleEntity, "id" | "createdAt" | "updatedAt">;

export type RuleScopeFilter = "global" | "contract" | "component";

export interface RuleListQuery {
  scope?: RuleScopeFilter | undefined;
  contractId?: string | undefined;
  componentId?: string | undefined;
  limit: number;
  offset: number;
}

/** A contract's rules as the API shows them: the global and contract-wide rules, and its components. */
export interface ContractRules {
  contractId: string;
  /** Global rules and every rule of the contract (any scope), oldest first. */
  rules: RuleEntity[];
  components: Array<{ id: string; name: string }>;
}

export interface RuleStore {
  // The engine (rule-runner.ts).
  specs(): Promise<RuleSpec[]>;
  /** Every component with its contract and whether it may alert on `now`. */
  directory(now: Date): Promise<Map<string, DirectoryEntry>>;
  /** When components were last seen (as the collectors flushed it), after `since` if given. */
  lastSeen(since?: Date): Promise<Map<string, number>>;
  /** The alert keys with an unresolved incident: their timers are rebuilt after a restart. */
  firingKeys(): Promise<FiringKey[]>;
  /** Inserts the pack rules missing as global rules; safe when several instances start at once. */
  seedDefaultPack(now: Date): Promise<number>;

  // The API (manage-rules.ts, rules.routes.ts).
  list(q: RuleListQuery): Promise<{ rows: RuleEntity[]; total: number }>;
  get(id: string, tx?: Tx): Promise<RuleEntity | null>;
  /** NOT_FOUND for a contract outside `scope` (or none). */
  forContract(scope: ContractScope, contractId: string): Promise<ContractRules>;
  /** The contract a component belongs to, or null when there is no such component. */
  contractOfComponent(tx: Tx, componentId: string): Promise<string | null>;
  contractExists(tx: Tx, contractId: string): Promise<boolean>;
  /** The rule holding `packKey` in exactly this scope (null ids: the wider scopes). */
  byPackKey(
    tx: Tx,
    packKey: string,
    contractId: string | null,
    componentId: string | null,
  ): Promise<RuleEntity | null>;
  insert(tx: Tx, draft: RuleDraft): Promise<RuleEntity>;
  update(tx: Tx, row: RuleEntity): Promise<RuleEntity>;
  delete(tx: Tx, id: string): Promise<void>;
  /** The audit row, written in the rule change's transaction. */
  audit(tx: Tx, entry: AuditEntry): Promise<void>;
}

export function createRuleStore(db: DataSource): RuleStore {
  return {
    specs: () => loadRuleSpecs(db.manager),
    directory: (now) => loadDirectory(db, now),
    lastSeen: (since) => loadLastSeen(db, since),
    firingKeys: () => loadFiringKeys(db),
    seedDefaultPack: (now) => seedDefaultPack(db, now),
    list: async (q) => {
      const [rows, total] = await db.getRepository(RuleEntity).findAndCount({
        where: ruleWhere(q),
        order: { createdAt: "ASC", id: "ASC" },
        take: q.limit,
        skip: q.offset,
      });
      return { rows, total };
    },
    get: (id, tx) => (tx ? managerOf(tx) : db.manager).findOneBy(RuleEntity, { id }),
    forContract: async (scope, contractId) => {
      const contract = await getContract(db.manager, scope, contractId);
      const rules = await db.getRepository(RuleEntity).find({
        where: [{ contractId: IsNull(), componentId: IsNull() }, { contractId: contract.id }],
        order: { createdAt: "ASC", id: "ASC" },
      });
      const components = await db
        .getRepository(ComponentEntity)
        .find({ where: { contractId: contract.id }, order: { name: "ASC" } });
      return {
        contractId: contract.id,
        rules,
        components: components.map((c) => ({ id: c.id, name: c.name })),
      };
    },
    contractOfComponent: async (tx, componentId) =>
      (await managerOf(tx).findOneBy(ComponentEntity, { id: componentId }))?.contractId ?? null,
    contractExists: (tx, contractId) => managerOf(tx).existsBy(ContractEntity, { id: contractId }),
    byPackKey: (tx, packKey, contractId, componentId) =>
      managerOf(tx).findOneBy(RuleEntity, {
        packKey,
        contractId: contractId ?? IsNull(),
        componentId: componentId ?? IsNull(),
      }),
    insert: (tx, draft) => {
      const m = managerOf(tx);
      return m.save(m.create(RuleEntity, draft));
    },
    update: (tx, row) => managerOf(tx).save(RuleEntity, row),
    delete: async (tx, id) => {
      await managerOf(tx).delete(RuleEntity, { id });
    },
    audit: (tx, entry) => recordAudit(managerOf(tx), entry),
  };
}

function ruleWhere(q: RuleListQuery): FindOptionsWhere<RuleEntity> {
  const byScope: FindOptionsWhere<RuleEntity> =
    q.scope === "global"
      ? { contractId: IsNull(), componentId: IsNull() }
      : q.scope === "contract"
        ? { contractId: Not(IsNull()), componentId: IsNull() }
        : q.scope === "component"
          ? { componentId: Not(IsNull()) }
          : {};
  return {
    ...byScope,
    ...(q.contractId ? { contractId: q.contractId } : {}),
    ...(q.componentId ? { componentId: q.componentId } : {}),
  };
}

async function loadRuleSpecs(m: EntityManager): Promise<RuleSpec[]> {
  const rows = await m.find(RuleEntity, { order: { createdAt: "ASC", id: "ASC" } });
  return rows.map(toRuleSpec);
}

/**
 * Every component with its contract and whether it may alert: the contract is active and
 * the component's last active day (if any) is still ahead — on its last day its agent
 * token is already revoked, so its silence is expected.
 */
async function loadDirectory(db: DataSource, now: Date): Promise<Map<string, DirectoryEntry>> {
  const rows = await db.query<
    { id: string; contract_id: string; active_until: string | null; status: string }[]
  >(
    `SELECT c.id, c.contract_id, c.active_until::text AS active_until, k.status
       FROM components c JOIN contracts k ON k.id = c.contract_id`,
  );
  const today = jstDateOf(now.getTime());
  return new Map(
    rows.map((r) => [
      r.id,
      {
        contractId: r.contract_id,
        eligible: r.status === "active" && (r.active_until === null || r.active_until > today),
      },
    ]),
  );
}

async function loadLastSeen(db: DataSource, since?: Date): Promise<Map<string, number>> {
  const rows = await db.query<{ id: string; last_seen_at: Date }[]>(
    since
      ? `SELECT id, last_seen_at FROM components WHERE last_seen_at > $1`
      : `SELECT id, last_seen_at FROM components WHERE last_seen_at IS NOT NULL`,
    since ? [since] : [],
  );
  return new Map(rows.map((r) => [r.id, new Date(r.last_seen_at).getTime()]));
}

async function loadFiringKeys(db: DataSource): Promise<FiringKey[]> {
  const rows = await db.query<
    {
      component_id: string;
      rule_id: string;
      labels_key: string;
      rule_kind: string;
      labels: Record<string, string> | string;
      last_fired_at: Date;
    }[]
  >(
    `SELECT mb.component_id, mb.rule_id, mb.labels_key, i.rule_kind, mb.labels, mb.last_fired_at
       FROM incident_members mb JOIN incidents i ON i.id = mb.incident_id
      WHERE mb.active AND i.state <> 'resolved'`,
  );
  return rows.map((r) => ({
    componentId: r.component_id,
    ruleId: r.rule_id,
    labelsKey: r.labels_key,
    ruleKind: r.rule_kind,
    labels:
      typeof r.labels === "string" ? (JSON.parse(r.labels) as Record<string, string>) : r.labels,
    lastFiredMs: new Date(r.last_fired_at).getTime(),
  }));
}

async function seedDefaultPack(db: DataSource, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('msp.rules.default-pack'))");
    const existing = await tx.query<{ pack_key: string }[]>(
      `SELECT pack_key FROM rules WHERE contract_id IS NULL AND component_id IS NULL AND pack_key IS NOT NULL`,
    );
    const have = new Set(existing.map((r) => r.pack_key));
    let added = 0;
    for (const p of DEFAULT_PACK) {
      if (have.has(p.packKey)) continue;
      const row = await tx.save(
        tx.create(RuleEntity, {
          ...p,
          aggregateBy: [...p.aggregateBy],
          contractId: null,
          componentId: null,
          enabled: true,
          createdBy: null,
        }),
      );
      await recordAudit(tx, {
        actor: "system",
        at: now,
        action: "rule.seed",
        entityType: "rule",
        entityId: row.id,
        contractId: null,
        before: null,
        after: toRuleSpec(row),
      });
      added++;
    }
    return added;
  });
}
