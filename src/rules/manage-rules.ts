// The rule verbs behind the API: create, change, delete — each checked against its kind and
// scope, audited in its own transaction, then announced so this process's engine reloads.
import type { DataSource, EntityManager } from "typeorm";
import { IsNull } from "typeorm";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { ComponentEntity, ContractEntity, RuleEntity } from "../db/entities/index.js";
import { checkRule } from "../domain/rules/rule.js";
import { scopeOfRule } from "../domain/rules/resolve.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import { toRuleView, type NewRule, type RulePatch, type RuleView } from "./views.js";

export interface RulesDeps {
  db: DataSource;
  /** This process's engine reloads at once; others pick the change up on their next reload. */
  onRulesChanged?: () => void;
}

const invalid = (path: string, message: string) =>
  new AppError("VALIDATION", `${path}: ${message}`, [{ path, message }]);

export async function createRule(
  deps: RulesDeps,
  actor: Actor,
  input: NewRule,
  now: Date,
): Promise<RuleView> {
  const view = await deps.db.transaction(async (tx) => {
    const scope = await resolveScope(tx, input.contractId, input.componentId);
    const row = tx.create(RuleEntity, { ...input, ...scope, createdBy: actor.userId });
    assertConsistent(row);
    await assertPackKeyFree(tx, row);
    const after = toRuleView(await tx.save(row));
    await audit(tx, actor, now, "rule.create", row, null, after);
    return after;
  });
  deps.onRulesChanged?.();
  return view;
}

export async function updateRule(
  deps: RulesDeps,
  actor: Actor,
  id: string,
  patch: RulePatch,
  now: Date,
): Promise<RuleView> {
  const view = await deps.db.transaction(async (tx) => {
    const row = await getRule(tx, id);
    const before = toRuleView(row);
    Object.assign(row, patch);
    assertConsistent(row);
    if (patch.packKey !== undefined) await assertPackKeyFree(tx, row);
    const after = toRuleView(await tx.save(row));
    await audit(tx, actor, now, "rule.update", row, before, after);
    return after;
  });
  deps.onRulesChanged?.();
  return view;
}

export async function deleteRule(
  deps: RulesDeps,
  actor: Actor,
  id: string,
  now: Date,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await getRule(tx, id);
    if (scopeOfRule(row) === "global" && row.packKey !== null)
      throw conflict(
        "a default-pack rule is re-seeded at start: disable it (enabled: false) instead",
      );
    const before = toRuleView(row);
    await tx.delete(RuleEntity, { id });
    await audit(tx, actor, now, "rule.delete", row, before, null);
  });
  deps.onRulesChanged?.();
}

export async function getRule(m: EntityManager, id: string): Promise<RuleEntity> {
  const row = await m.findOneBy(RuleEntity, { id });
  if (!row) throw notFound("rule");
  return row;
}

/** The component fixes the contract; a contract named beside it must be the same one. */
async function resolveScope(
  m: EntityManager,
  contractId: string | null,
  componentId: string | null,
) {
  if (componentId !== null) {
    const component = await m.findOneBy(ComponentEntity, { id: componentId });
    if (!component) throw invalid("componentId", "no such component");
    if (contractId !== null && contractId !== component.contractId)
      throw invalid("contractId", "the component belongs to another contract");
    return { contractId: component.contractId, componentId };
  }
  if (contractId !== null && !(await m.existsBy(ContractEntity, { id: contractId })))
    throw invalid("contractId", "no such contract");
  return { contractId, componentId: null };
}

// A disabled rule may be a bare switch-off of a pack rule; it is checked once enabled.
function assertConsistent(row: RuleEntity): void {
  if (!row.enabled) return;
  const issues = checkRule({
    ...row,
    op: row.op as never,
    kind: row.kind as never,
    counter: row.counter as never,
    aggregate: row.aggregate as never,
  });
  if (issues.length > 0)
    throw new AppError(
      "VALIDATION",
      issues.map((i) => `${i.path}: ${i.message}`).join("; "),
      issues,
    );
}

/** One rule per packKey and scope, so which one overrides is never ambiguous. */
async function assertPackKeyFree(m: EntityManager, row: RuleEntity): Promise<void> {
  if (row.packKey === null) return;
  const twin = await m.findOneBy(RuleEntity, {
    packKey: row.packKey,
    contractId: row.contractId ?? IsNull(),
    componentId: row.componentId ?? IsNull(),
  });
  if (twin && twin.id !== row.id)
    throw conflict(`this scope already has a rule with packKey ${row.packKey}`);
}

function audit(
  m: EntityManager,
  actor: Actor,
  at: Date,
  action: string,
  row: RuleEntity,
  before: RuleView | null,
  after: RuleView | null,
) {
  return recordAudit(m, {
    actor,
    at,
    action,
    entityType: "rule",
    entityId: row.id,
    contractId: row.contractId,
    before,
    after,
  });
}
