// Which rules each series feeds: a component's effective rules compiled once per rules
// generation, and a series' binding (its items, or the cached "no rule matches") built on
// its first sample of a generation and kept in its ruleState slot.
import { newAbsenceState } from "../domain/rules/absence-state.js";
import { labelsKeyOf, matchesAll, withoutName } from "../domain/rules/labels-key.js";
import { effectiveRules } from "../domain/rules/resolve.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import { newThresholdState } from "../domain/rules/threshold-state.js";
import type { Labels, Series } from "../ingest/series.js";
import { compileRules, type CompiledRules, type MetricUse } from "./compiled-rules.js";
import { groupKey, groupLabels, isDerived } from "./derived.js";
import { ComponentRules, slotId, type Item, type SeriesBinding } from "./engine-state.js";

/** A component as the rules see it: whose it is and whether it may alert at all. */
export interface DirectoryEntry {
  contractId: string;
  /** False once the contract is not active or the component was removed. */
  eligible: boolean;
}

export class RuleBinder {
  /** Bumped by every load: bindings of an older generation are rebuilt on their next sample. */
  protected gen = 0;
  private rules: readonly RuleSpec[] = [];
  private directory = new Map<string, DirectoryEntry>();
  readonly components = new Map<string, ComponentRules>();

  constructor(private readonly onUnknownComponent?: (componentId: string) => void) {}

  get generation(): number {
    return this.gen;
  }

  protected setRules(rules: readonly RuleSpec[], directory: Map<string, DirectoryEntry>): void {
    this.rules = rules;
    this.directory = directory;
    this.gen++;
  }

  /**
   * Forgets the components of these contracts (another collector judges them now). The
   * generation moves on, so no series keeps a binding to a forgotten component: taken again,
   * a contract starts from what the takeover restores, as on any collector.
   */
  forgetContracts(contractIds: ReadonlySet<string>): number {
    let n = 0;
    for (const [id, comp] of this.components) {
      const contractId = this.directory.get(id)?.contractId ?? comp.contractId;
      if (contractId === undefined || !contractIds.has(contractId)) continue;
      this.components.delete(id);
      n++;
    }
    if (n > 0) this.gen++;
    return n;
  }

  /** The component of a sample, created on first sight (only what was seen can go silent). */
  component(componentId: string): ComponentRules {
    let comp = this.components.get(componentId);
    if (comp === undefined)
      this.components.set(componentId, (comp = new ComponentRules(componentId)));
    return comp;
  }

  protected bindingOf(series: Series): SeriesBinding {
    const b = series.ruleState as SeriesBinding | undefined;
    if (b !== undefined && b.gen === this.gen) return b;
    return (series.ruleState = this.bind(
      series.component.id,
      series.component.contractId,
      series.labels,
    ));
  }

  protected bind(
    componentId: string,
    contractHint: string | undefined,
    labels: Labels,
  ): SeriesBinding {
    const comp = this.component(componentId);
    if (comp.contractId === undefined) comp.contractId = contractHint;
    const compiled = this.compiledFor(comp);
    const name = labels.__name__;
    const uses = compiled !== null && name !== undefined ? compiled.byMetric.get(name) : undefined;
    let items: Item[] | null = null;
    if (uses !== undefined) {
      for (const use of uses) {
        if (matchesAll(labels, use.rule.spec.matchers))
          (items ??= []).push(this.item(comp, use, labels));
      }
    }
    // An array grown by push keeps room for 17 elements (152 B); most series feed one rule.
    if (items !== null) return { gen: this.gen, comp, items: items.slice() };
    const none = comp.unbound;
    if (none !== undefined && none.gen === this.gen) return none;
    return (comp.unbound = { gen: this.gen, comp, items: null });
  }

  private item(comp: ComponentRules, use: MetricUse, labels: Labels): Item {
    const spec = use.rule.spec;
    const ruleId = spec.id;
    const aggregated = spec.aggregate !== null && use.rule.params !== null;
    const labelsKey = aggregated ? groupKey(spec, labels) : labelsKeyOf(labels);
    const id = slotId(ruleId, labelsKey);
    const key = { componentId: comp.id, ruleId, labelsKey };
    const alertLabels = aggregated ? groupLabels(spec, labels) : withoutName(labels);
    if (use.rule.params === null) {
      let absence = comp.seriesAbsence.get(id);
      if (absence === undefined) {
        absence = { ruleId, key, labels: alertLabels, state: newAbsenceState(-Infinity) };
        comp.seriesAbsence.set(id, absence);
      }
      return {
        rule: use.rule,
        role: use.role,
        key,
        labels: alertLabels,
        slot: null,
        absence,
        derived: null,
      };
    }
    let slot = comp.slots.get(id);
    if (slot === undefined)
      comp.slots.set(id, (slot = { state: newThresholdState(), num: NaN, den: NaN }));
    const derived = isDerived(spec) ? comp.derived.derivation(spec, labels) : null;
    return {
      rule: use.rule,
      role: use.role,
      key,
      labels: alertLabels,
      slot,
      absence: null,
      derived,
    };
  }

  /**
   * Whether the rules in force for a component read this series (or it is `up`): such series
   * keep their cap slot first when the component is full (ingest-core.ts `admitSlot`).
   */
  needs(componentId: string, contractId: string | undefined, labels: Labels): boolean {
    const name = labels.__name__;
    if (name === "up") return true;
    const comp = this.component(componentId);
    if (comp.contractId === undefined) comp.contractId = contractId;
    const uses = name === undefined ? undefined : this.compiledFor(comp)?.byMetric.get(name);
    return uses?.some((u) => matchesAll(labels, u.rule.spec.matchers)) ?? false;
  }

  protected compiledFor(comp: ComponentRules): CompiledRules | null {
    if (comp.compiledGen === this.gen) return comp.compiled;
    const entry = this.directory.get(comp.id);
    if (entry === undefined) this.onUnknownComponent?.(comp.id);
    else comp.contractId = entry.contractId;
    const contractId = comp.contractId;
    const eligible = entry?.eligible ?? contractId !== undefined;
    comp.compiled =
      eligible && contractId !== undefined
        ? compileRules(effectiveRules(this.rules, contractId, comp.id))
        : null;
    comp.compiledGen = this.gen;
    return comp.compiled;
  }
}
