// The rules API's reads: a page of rules (staff), one rule, and the rules in force for a
// contract and each of its components (overrides applied), as the contract's users see them.
import { scopeOf, type Actor } from "../access/actor.js";
import { effectiveRules } from "../domain/rules/resolve.js";
import { getRule } from "./manage-rules.js";
import type { RuleListQuery, RuleStore } from "./rule.store.js";
import { toRuleView, type EffectiveRules, type RuleView } from "./views.js";

export async function listRules(
  deps: { rules: RuleStore },
  query: RuleListQuery,
): Promise<{ items: RuleView[]; total: number; limit: number; offset: number }> {
  const { rows, total } = await deps.rules.list(query);
  return { items: rows.map(toRuleView), total, limit: query.limit, offset: query.offset };
}

export async function readRule(deps: { rules: RuleStore }, id: string): Promise<RuleView> {
  return toRuleView(await getRule(deps.rules, id));
}

export async function rulesInForce(
  deps: { rules: RuleStore },
  actor: Actor,
  contractId: string,
): Promise<EffectiveRules> {
  const { rules, components } = await deps.rules.forContract(scopeOf(actor), contractId);
  return {
    contractId,
    rules: effectiveRules(rules, contractId, null).map(toRuleView),
    components: components.map((c) => ({
      componentId: c.id,
      name: c.name,
      rules: effectiveRules(rules, contractId, c.id).map(toRuleView),
    })),
  };
}
