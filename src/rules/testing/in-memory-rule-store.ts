// An honest in-memory RuleStore for unit tests: rows kept in maps, scope filters, pack-key
// lookups and tenancy applied as the TypeORM store applies them (rule.store.ts).
import { randomUUID } from "node:crypto";
import { assertInScope } from "../../access/actor.js";
import type { AuditEntry } from "../../audit/audit.js";
import type { RuleEntity } from "../../db/entities/index.js";
import { notFound } from "../../shared/errors.js";
import type { FiringKey } from "../engine-state.js";
import type { DirectoryEntry } from "../rule-binder.js";
import type { RuleDraft, RuleStore } from "../rule.store.js";
import { toRuleSpec } from "../views.js";

export class InMemoryRuleStore implements RuleStore {
  readonly rules = new Map<string, RuleEntity>();
  readonly contracts = new Set<string>();
  readonly components = new Map<string, { contractId: string; name: string }>();
  readonly audits: AuditEntry[] = [];
  private tick = 0;

  constructor(private readonly now: () => Date = () => new Date(Date.UTC(2026, 0, 1))) {}

  addComponent(id: string, contractId: string, name = id): void {
    this.contracts.add(contractId);
    this.components.set(id, { contractId, name });
  }

  private ordered(): RuleEntity[] {
    return [...this.rules.values()].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
  }

  specs = () => Promise.resolve(this.ordered().map(toRuleSpec));
  directory = () =>
    Promise.resolve(
      new Map<string, DirectoryEntry>(
        [...this.components].map(([id, c]) => [id, { contractId: c.contractId, eligible: true }]),
      ),
    );
  lastSeen = () => Promise.resolve(new Map<string, number>());
  firingKeys = () => Promise.resolve<FiringKey[]>([]);
  seedDefaultPack = () => Promise.resolve(0);

  list: RuleStore["list"] = (q) => {
    const rows = this.ordered().filter((r) => {
      const scope =
        r.componentId !== null ? "component" : r.contractId !== null ? "contract" : "global";
      if (q.scope !== undefined && q.scope !== scope) return false;
      if (q.contractId !== undefined && r.contractId !== q.contractId) return false;
      return q.componentId === undefined || r.componentId === q.componentId;
    });
    return Promise.resolve({ rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length });
  };

  get = (id: string) => Promise.resolve(this.copy(this.rules.get(id)));

  forContract: RuleStore["forContract"] = (scope, contractId) => {
    assertInScope(scope, contractId, "contract");
    if (!this.contracts.has(contractId)) return Promise.reject(notFound("contract"));
    return Promise.resolve({
      contractId,
      rules: this.ordered()
        .filter((r) => r.contractId === null || r.contractId === contractId)
        .map((r) => this.copy(r)!),
      components: [...this.components]
        .filter(([, c]) => c.contractId === contractId)
        .map(([id, c]) => ({ id, name: c.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    });
  };

  contractOfComponent = (_tx: unknown, id: string) =>
    Promise.resolve(this.components.get(id)?.contractId ?? null);
  contractExists = (_tx: unknown, id: string) => Promise.resolve(this.contracts.has(id));
  byPackKey: RuleStore["byPackKey"] = (_tx, packKey, contractId, componentId) =>
    Promise.resolve(
      this.copy(
        [...this.rules.values()].find(
          (r) =>
            r.packKey === packKey && r.contractId === contractId && r.componentId === componentId,
        ),
      ),
    );

  insert = (_tx: unknown, draft: RuleDraft) => {
    const at = new Date(this.now().getTime() + this.tick++);
    const row = { ...draft, id: randomUUID(), createdAt: at, updatedAt: at } as RuleEntity;
    this.rules.set(row.id, row);
    return Promise.resolve(this.copy(row)!);
  };
  update = (_tx: unknown, row: RuleEntity) => {
    if (!this.rules.has(row.id)) return Promise.reject(notFound("rule"));
    const saved = { ...row, updatedAt: new Date(this.now().getTime() + this.tick++) };
    this.rules.set(row.id, saved);
    return Promise.resolve(this.copy(saved)!);
  };
  delete = (_tx: unknown, id: string) => {
    this.rules.delete(id);
    return Promise.resolve();
  };
  audit = (_tx: unknown, entry: AuditEntry) => {
    this.audits.push(entry);
    return Promise.resolve();
  };

  // Callers get copies, as from a database: changing one never changes the stored row.
  private copy(r: RuleEntity | undefined): RuleEntity | null {
    return r === undefined
      ? null
      : { ...r, matchers: { ...r.matchers }, aggregateBy: [...r.aggregateBy] };
  }
}
