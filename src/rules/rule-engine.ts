// The rule engine (SPEC 4): evaluates every accepted sample in the ingest pass and tells
// the incident engine when a condition starts, repeats or clears. Absence is found by
// `sweep(nowMs)`, which the runner calls every second. No I/O here: rules and the
// component directory are handed in by the runner (rule-runner.ts).
import {
  newAbsenceState,
  seenAbsence,
  sweepAbsence,
  type AbsenceState,
} from "../domain/rules/absence-state.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import { stepThreshold, type Action } from "../domain/rules/threshold-state.js";
import type { AlertKey, AlertSink } from "../incidents/alerts.js";
import type { RulesAttachment } from "../ingest/ingest-contract.js";
import type { Labels, Series } from "../ingest/series.js";
import { DENOMINATOR, REPEAT_EVERY_MS, type CompiledRule } from "./compiled-rules.js";
import { deriveValue } from "./derived.js";
import type { ComponentRules, FiringKey, Item, SeriesBinding } from "./engine-state.js";
import { RuleBinder, type DirectoryEntry } from "./rule-binder.js";

export type { DirectoryEntry } from "./rule-binder.js";

export interface RuleEngineOptions {
  sink: AlertSink;
  /** Counts what the engine sent (metrics). */
  onAlert?: (action: Action) => void;
  /** A sample came from a component the directory does not know yet. */
  onUnknownComponent?: (componentId: string) => void;
}

/** Attached to the ingest pipeline through `RulesAttachment` (decision 0022). */
export class RuleEngine extends RuleBinder implements RulesAttachment {
  /** When the current push arrived (the platform's clock). */
  private arrivalMs = -Infinity;
  /** Silence is counted from here at the earliest: the platform could not take pushes before. */
  private holdUntilMs = -Infinity;
  /** Per contract: this collector judges it from then on (taken from another, decision 0019). */
  private readonly watchedFromMs = new Map<string, number>();
  /** Which contracts this collector judges for absence (several collectors: its leases). */
  private judges: ((contractId: string) => boolean) | undefined;

  constructor(private readonly opts: RuleEngineOptions) {
    super(opts.onUnknownComponent);
  }

  beginPush(nowMs: number): void {
    this.arrivalMs = nowMs;
  }

  /**
   * The platform itself was not taking or processing pushes until `atMs` (just started, event
   * loop stalled, pushes refused for its own faults): no component is silent for that time.
   */
  platformStalled(atMs: number): void {
    if (atMs > this.holdUntilMs) this.holdUntilMs = atMs;
  }

  /**
   * Several collectors share the components (decision 0019): absence is swept only for the
   * contracts `judges` accepts, so no two collectors judge one component.
   */
  judgeOnly(judges: (contractId: string) => boolean): void {
    this.judges = judges;
  }

  /**
   * This collector watches the contracts from `atMs` only (it just took them over): no
   * component of theirs is silent for time before that, which nobody here watched.
   */
  watchedFrom(contractIds: readonly string[], atMs: number): void {
    for (const c of contractIds) this.watchedFromMs.set(c, atMs);
  }

  /** Another collector holds these contracts now: their components' state leaves this one. */
  override forgetContracts(contractIds: ReadonlySet<string>): number {
    for (const c of contractIds) this.watchedFromMs.delete(c);
    return super.forgetContracts(contractIds);
  }

  /** New rules and directory. Keys whose rule no longer applies are cleared and dropped. */
  load(rules: readonly RuleSpec[], directory: Map<string, DirectoryEntry>, nowMs: number): void {
    this.setRules(rules, directory);
    for (const comp of this.components.values()) this.prune(comp, nowMs);
  }

  onSample(componentId: string, series: Series, labels: Labels, tsMs: number, value: number): void {
    let b = series.ruleState as SeriesBinding | undefined;
    if (b === undefined || b.gen !== this.gen)
      series.ruleState = b = this.bind(componentId, series.component.contractId, labels);
    const comp = b.comp;
    // Seen at the later of sample time and arrival: an agent whose clock lags is not silent.
    const seen = tsMs > this.arrivalMs ? tsMs : this.arrivalMs;
    if (seen > comp.lastSeenMs) comp.lastSeenMs = seen;
    if (comp.silent > 0) this.componentBack(comp, tsMs);
    const items = b.items;
    if (items === null || value !== value) return; // NaN (a stale marker) is no data
    for (let i = 0; i < items.length; i++) this.evaluate(comp, items[i]!, tsMs, value);
  }

  /**
   * A series known from before a restart (the window rebuilt from 1-minute rollups): bound,
   * its absence timers counting from its last point.
   */
  adoptSeries(series: Series, lastTsMs: number): void {
    const b = this.bindingOf(series);
    // Rebuilt points sit at their minute's end: the stored lastSeenAt is closer when known.
    if (b.comp.lastSeenMs === -Infinity) b.comp.lastSeenMs = lastTsMs;
    for (const item of b.items ?? []) {
      const s = item.absence?.state;
      if (s !== undefined && lastTsMs > s.lastSeenMs) s.lastSeenMs = lastTsMs;
    }
  }

  /**
   * Another collector heard the component at `atMs` (the last-seen time it flushed to the
   * database): its silence here is over as if a sample had arrived. Series are not touched.
   */
  seenElsewhere(componentId: string, atMs: number): void {
    const comp = this.components.get(componentId);
    if (comp === undefined || !(atMs > comp.lastSeenMs)) return;
    comp.lastSeenMs = atMs;
    this.componentBack(comp, atMs);
  }

  /** Absence: fires for components and series silent past their rule's absenceSeconds. */
  sweep(nowMs: number): void {
    for (const comp of this.components.values()) {
      const compiled = this.compiledFor(comp); // sets the contract from the directory
      if (compiled === null) continue;
      if (this.judges !== undefined && !this.judges(comp.contractId!)) continue;
      for (const rule of compiled.absenceComponent) {
        let s = comp.silence.get(rule.spec.id);
        if (s === undefined) comp.silence.set(rule.spec.id, (s = newAbsenceState(-Infinity)));
        if (comp.lastSeenMs > s.lastSeenMs) s.lastSeenMs = comp.lastSeenMs;
        const key = { componentId: comp.id, ruleId: rule.spec.id, labelsKey: "" };
        this.absent(comp, rule, key, {}, s, nowMs);
      }
      for (const a of comp.seriesAbsence.values()) {
        const rule = compiled.byId.get(a.ruleId);
        if (rule !== undefined) this.absent(comp, rule, a.key, a.labels, a.state, nowMs);
      }
    }
  }

  private absent(
    comp: ComponentRules,
    rule: CompiledRule,
    key: AlertKey,
    labels: Record<string, string>,
    s: AbsenceState,
    nowMs: number,
  ): void {
    const wasFiring = s.firing;
    // Silence while the platform could not take pushes does not count (decision 0014), nor
    // silence before this collector took the contract over (0019).
    const taken = this.watchedFromMs.get(comp.contractId!) ?? -Infinity;
    const hold = taken > this.holdUntilMs ? taken : this.holdUntilMs;
    if (!wasFiring && s.lastSeenMs > -Infinity && s.lastSeenMs < hold) s.lastSeenMs = hold;
    const a = sweepAbsence(s, rule.absenceMs, nowMs, REPEAT_EVERY_MS);
    if (a === "none") return;
    if (!wasFiring && key.labelsKey === "" && rule.spec.kind === "absence_component") comp.silent++;
    const at = a === "fire" ? s.lastSeenMs + rule.absenceMs : nowMs;
    this.fire(comp, rule, key, labels, at, null, a);
  }

  private componentBack(comp: ComponentRules, tsMs: number): void {
    for (const [ruleId, s] of comp.silence) {
      if (seenAbsence(s, tsMs) === "clear")
        this.clear({ componentId: comp.id, ruleId, labelsKey: "" }, tsMs);
    }
    comp.silent = 0;
  }

  private evaluate(comp: ComponentRules, item: Item, tsMs: number, v: number): void {
    if (item.absence !== null) {
      if (seenAbsence(item.absence.state, tsMs) === "clear") this.clear(item.key, tsMs);
      return;
    }
    const slot = item.slot!;
    let value = v;
    if (item.derived !== null) {
      value = deriveValue(item.derived, tsMs, v);
      if (value !== value) return; // fewer than two counter samples in the window yet
    } else if (item.rule.spec.divideBy !== null) {
      if (item.role === DENOMINATOR) slot.den = v;
      else slot.num = v;
      value = slot.num / slot.den;
      if (value !== value || slot.den === 0) return; // one side unknown yet, or a zero size
    }
    const a = stepThreshold(item.rule.params!, slot.state, tsMs, value);
    if (a === "clear") this.clear(item.key, tsMs);
    else if (a !== "none") this.fire(comp, item.rule, item.key, item.labels, tsMs, value, a);
  }

  private fire(
    comp: ComponentRules,
    rule: CompiledRule,
    key: AlertKey,
    labels: Record<string, string>,
    atMs: number,
    value: number | null,
    action: Action,
  ): void {
    const s = rule.spec;
    this.opts.onAlert?.(action);
    this.opts.sink.fire({
      ...key,
      contractId: comp.contractId!,
      ruleName: s.name,
      ruleKind: s.kind,
      severity: s.severity,
      metric: s.metric,
      labels,
      value,
      threshold: s.kind === "threshold" ? s.threshold : s.absenceSeconds,
      atMs,
    });
  }

  private clear(key: AlertKey, atMs: number): void {
    this.opts.onAlert?.("clear");
    this.opts.sink.clear(key, atMs);
  }

  private prune(comp: ComponentRules, nowMs: number): void {
    const compiled = this.compiledFor(comp);
    comp.prune(compiled, (key) => this.clear(key, nowMs));
    comp.derived.prune((ruleId) => compiled?.byId.has(ruleId) ?? false);
  }

  /** After a restart: when components were last seen, and the keys with an unresolved incident. */
  restore(lastSeen: ReadonlyMap<string, number>, firing: readonly FiringKey[]): void {
    for (const [id, ms] of lastSeen) {
      const comp = this.component(id);
      if (ms > comp.lastSeenMs) comp.lastSeenMs = ms;
    }
    for (const f of firing) this.component(f.componentId).restoreFiring(f);
  }
}
