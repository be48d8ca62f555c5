// The rule verbs behind the API: create, change, delete — each checked against its kind and
// scope, audited in its own transaction, then announced so this process's engine reloads.
import type { Actor } from "../access/actor.js";
import type { RuleEntity } from "../db/entities/index.js";
import type { Tx, UnitOfWork } from "../db/unit-of-work.js";
import { checkRule } from "../domain/rules/rule.js";
import { scopeOfRule } from "../domain/rules/resolve.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import type { RuleDraft, RuleStore } from "./rule.store.js";
import { toRuleView, type NewRule, type RulePatch, type RuleView } from "./views.js";

export interface RulesDeps {
  uow: UnitOfWork;
  rules: RuleStore;
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
  const view = await deps.uow.transaction(async (tx) => {
    const scope = await resolveScope(deps.rules, tx, input.contractId, input.componentId);
    const draft: RuleDraft = { ...input, ...scope, createdBy: actor.userId };
    assertConsistent(draft);
    await assertPackKeyFree(deps.rules, tx, draft, null);
    const row = await deps.rules.insert(tx, draft);
    const after = toRuleView(row);
    await audit(deps.rules, tx, actor, now, "rule.create", row, null, after);
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
  const view = await deps.uow.transaction(async (tx) => {
    const row = await getRule(deps.rules, id, tx);
    const before = toRuleView(row);
    Object.assign(row, patch);
    assertConsistent(row);
    if (patch.packKey !== undefined) await assertPackKeyFree(deps.rules, tx, row, row.id);
    const after = toRuleView(await deps.rules.update(tx, row));
    await audit(deps.rules, tx, actor, now, "rule.update", row, before, after);
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
  await deps.uow.transaction(async (tx) => {
    const row = await getRule(deps.rules, id, tx);
    if (scopeOfRule(row) === "global" && row.packKey !== null)
      throw conflict(
        "a default-pack rule is re-seeded at start: disable it (enabled: false) instead",
      );
    const before = toRuleView(row);
    await deps.rules.delete(tx, id);
    await audit(deps.rules, tx, actor, now, "rule.delete", row, before, null);
  });
  deps.onRulesChanged?.();
}

export async function getRule(rules: RuleStore, id: string, tx?: Tx): Promise<RuleEntity> {
  const row = await rules.get(id, tx);
  if (!row) throw notFound("rule");
  return row;
}

/** The component fixes the contract; a contract named beside it must be the same one. */
async function resolveScope(
  rules: RuleStore,
  tx: Tx,
  contractId: string | null,
  componentId: string | null,
) {
  if (componentId !== null) {
    const owner = await rules.contractOfComponent(tx, componentId);
    if (owner === null) throw invalid("componentId", "no such component");
    if (contractId !== null && contractId !== owner)
      throw invalid("contractId", "the component belongs to another contract");
    return { contractId: owner, componentId };
  }
  if (contractId !== null && !(await rules.contractExists(tx, contractId)))
    throw invalid("contractId", "no such contract");
  return { contractId, componentId: null };
}

// A disabled rule may be a bare switch-off of a pack rule; it is checked once enabled.
function assertConsistent(row: RuleDraft): void {
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
async function assertPackKeyFree(
  rules: RuleStore,
  tx: Tx,
  row: RuleDraft,
  ownId: string | null,
): Promise<void> {
  if (row.packKey === null) return;
  const twin = await rules.byPackKey(tx, row.packKey, row.contractId, row.componentId);
  if (twin && twin.id !== ownId)
    throw conflict(`this scope already has a rule with packKey ${row.packKey}`);
}

function audit(
  rules: RuleStore,
  tx: Tx,
  actor: Actor,
  at: Date,
  action: string,
  row: RuleEntity,
  before: RuleView | null,
  after: RuleView | null,
) {
  return rules.audit(tx, {
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
