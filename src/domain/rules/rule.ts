// A detection rule as the engine sees it (SPEC 4): threshold on a metric (optionally a
// ratio of two metrics of the same label set, or the rate/increase of a counter, optionally
// aggregated across the component's series) with `for` and recovery hysteresis, or an
// absence rule. Pure: the comparisons and the rule's own consistency checks.
import type { Aggregate } from "./aggregate.js";
import type { CounterFn } from "./counter-window.js";

export const RULE_KINDS = ["threshold", "absence_component", "absence_series"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const RULE_OPS = [">", ">=", "<", "<=", "==", "!="] as const;
export type RuleOp = (typeof RULE_OPS)[number];
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RuleSpec {
  id: string;
  name: string;
  kind: RuleKind;
  contractId: string | null;
  componentId: string | null;
  packKey: string | null;
  enabled: boolean;
  metric: string | null;
  divideBy: string | null;
  matchers: Readonly<Record<string, string>>;
  op: RuleOp | null;
  threshold: number | null;
  forSeconds: number;
  recoveryThreshold: number | null;
  recoveryForSeconds: number;
  absenceSeconds: number | null;
  severity: Severity;
  /** Threshold on rate() or increase() of a counter over `windowSeconds` instead of its value. */
  counter: CounterFn | null;
  windowSeconds: number | null;
  /** Combine the matching series of one component (per `aggregateBy` labels) into one value. */
  aggregate: Aggregate | null;
  aggregateBy: readonly string[];
  /** Compare 1 − value (e.g. CPU busy = 1 − idle share). */
  complement: boolean;
}

/** The alert condition `value op threshold`. NaN never breaches. */
export function breaches(op: RuleOp, value: number, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value === value && value !== threshold;
  }
}

/**
 * Past the recovery threshold on the good side (strictly), so a value sitting exactly on
 * a `>`/`<` threshold neither breaches nor recovers. Equality ops recover on "not breaching".
 */
export function recovers(op: RuleOp, value: number, recoveryThreshold: number): boolean {
  switch (op) {
    case ">":
    case ">=":
      return value < recoveryThreshold;
    case "<":
    case "<=":
      return value > recoveryThreshold;
    case "==":
      return value === value && value !== recoveryThreshold;
    case "!=":
      return value === recoveryThreshold;
  }
}

export interface RuleIssue {
  path: string;
  message: string;
}

type Checked = Pick<
  RuleSpec,
  "kind" | "metric" | "divideBy" | "op" | "threshold" | "recoveryThreshold" | "absenceSeconds"
> &
  Partial<Pick<RuleSpec, "counter" | "windowSeconds" | "aggregate" | "aggregateBy" | "complement">>;

/** What the fields of a kind require; each issue names its field. */
export function checkRule(r: Checked): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const need = (path: keyof Checked, ok: boolean, message: string) => {
    if (!ok) issues.push({ path, message });
  };
  if (r.kind === "threshold") {
    need("metric", !!r.metric, "a threshold rule needs a metric");
    need("op", r.op !== null, "a threshold rule needs an op");
    need("threshold", r.threshold !== null, "a threshold rule needs a threshold");
    need("divideBy", r.divideBy === null || r.divideBy !== r.metric, "divideBy equals metric");
    if (r.op !== null && r.threshold !== null && r.recoveryThreshold !== null) {
      const good =
        r.op === ">" || r.op === ">="
          ? r.recoveryThreshold <= r.threshold
          : r.op === "<" || r.op === "<="
            ? r.recoveryThreshold >= r.threshold
            : true;
      need("recoveryThreshold", good, "must be on the good side of the threshold");
    }
    const counter = r.counter ?? null;
    need(
      "windowSeconds",
      counter === null || (r.windowSeconds ?? 0) > 0,
      "rate/increase need a window",
    );
    need("windowSeconds", counter !== null || r.windowSeconds == null, "only with counter");
    need("counter", counter === null || r.divideBy === null, "not with divideBy");
    need("aggregate", (r.aggregate ?? null) === null || r.divideBy === null, "not with divideBy");
    need("aggregateBy", (r.aggregateBy ?? []).length === 0 || !!r.aggregate, "only with aggregate");
  } else {
    const derived = !!r.counter || !!r.aggregate || !!r.complement || r.windowSeconds != null;
    need("kind", !derived, "counter, aggregate and complement are for threshold rules");
    need("absenceSeconds", (r.absenceSeconds ?? 0) > 0, "an absence rule needs absenceSeconds");
    if (r.kind === "absence_series")
      need("metric", !!r.metric, "an absence_series rule needs a metric");
  }
  return issues;
}
