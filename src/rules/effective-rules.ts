// The rules in force for a contract and each of its components (overrides applied), as the
// contract's users see them.
import { scopeOf, type Actor } from "../access/actor.js";
import { effectiveRules } from "../domain/rules/resolve.js";
import type { RuleStore } from "./rule.store.js";
import { toRuleView, type EffectiveRules } from "./views.js";

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
