// A component's effective rules, indexed for the ingest hot path: by metric name (threshold
// numerators and denominators, absence_series), plus the component-wide absence rules.
import type { RuleSpec } from "../domain/rules/rule.js";
import type { ThresholdParams } from "../domain/rules/threshold-state.js";

/** Repeats of a condition that keeps holding are sent at most this often per key. */
export const REPEAT_EVERY_MS = 60_000;

export interface CompiledRule {
  spec: RuleSpec;
  /** Threshold rules only. */
  params: ThresholdParams | null;
  absenceMs: number;
}

export const NUMERATOR = 0;
export const DENOMINATOR = 1;

export interface MetricUse {
  rule: CompiledRule;
  /** NUMERATOR (also a plain metric or absence_series) or DENOMINATOR. */
  role: number;
}

export interface CompiledRules {
  byMetric: Map<string, MetricUse[]>;
  absenceComponent: CompiledRule[];
  byId: Map<string, CompiledRule>;
}

export function compileRule(spec: RuleSpec): CompiledRule {
  const params: ThresholdParams | null =
    spec.kind === "threshold" && spec.op !== null && spec.threshold !== null
      ? {
          op: spec.op,
          threshold: spec.threshold,
          recoveryThreshold: spec.recoveryThreshold ?? spec.threshold,
          forMs: spec.forSeconds * 1000,
          recoveryForMs: spec.recoveryForSeconds * 1000,
          repeatEveryMs: REPEAT_EVERY_MS,
        }
      : null;
  return { spec, params, absenceMs: (spec.absenceSeconds ?? 0) * 1000 };
}

export function compileRules(specs: readonly RuleSpec[]): CompiledRules {
  const out: CompiledRules = { byMetric: new Map(), absenceComponent: [], byId: new Map() };
  const use = (metric: string, rule: CompiledRule, role: number) => {
    const list = out.byMetric.get(metric);
    if (list) list.push({ rule, role });
    else out.byMetric.set(metric, [{ rule, role }]);
  };
  for (const spec of specs) {
    const rule = compileRule(spec);
    out.byId.set(spec.id, rule);
    if (spec.kind === "absence_component") {
      if (rule.absenceMs > 0) out.absenceComponent.push(rule);
    } else if (spec.metric !== null && (rule.params !== null || rule.absenceMs > 0)) {
      use(spec.metric, rule, NUMERATOR);
      if (spec.kind === "threshold" && spec.divideBy !== null)
        use(spec.divideBy, rule, DENOMINATOR);
    }
  }
  return out;
}
