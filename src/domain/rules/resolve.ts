// Which rules apply to a component: global, then its contract's, then its own. A more
// specific rule with the same packKey replaces the less specific one (and `enabled: false`
// there switches the pack rule off for that scope).
import type { RuleSpec } from "./rule.js";

type Scoped = Pick<RuleSpec, "id" | "contractId" | "componentId" | "packKey" | "enabled">;

export type RuleScope = "global" | "contract" | "component";

export function scopeOfRule(r: Pick<RuleSpec, "contractId" | "componentId">): RuleScope {
  return r.componentId !== null ? "component" : r.contractId !== null ? "contract" : "global";
}

/** The enabled rules in force for one component (or, without componentId, a contract). */
export function effectiveRules<R extends Scoped>(
  rules: readonly R[],
  contractId: string,
  componentId: string | null,
): R[] {
  const byKey = new Map<string, R>();
  const layer = (keep: (r: R) => boolean) => {
    for (const r of rules) if (keep(r)) byKey.set(r.packKey ?? `id:${r.id}`, r);
  };
  layer((r) => r.contractId === null && r.componentId === null);
  layer((r) => r.contractId === contractId && r.componentId === null);
  if (componentId !== null) layer((r) => r.componentId === componentId);
  return [...byKey.values()].filter((r) => r.enabled);
}
