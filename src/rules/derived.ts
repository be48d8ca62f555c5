// Rules on derived values (counter rate/increase, aggregation across a component's series,
// 1 − value): the per-component state they need and the one step per sample. Kept on the
// component, keyed like threshold slots, so a rules reload (which rebinds series) keeps the
// counter windows and group members.
import { AggregateGroup, groupKeyOf } from "../domain/rules/aggregate.js";
import { CounterWindow, type CounterFn } from "../domain/rules/counter-window.js";
import { labelsKeyOf } from "../domain/rules/labels-key.js";
import type { RuleSpec } from "../domain/rules/rule.js";
import type { Labels } from "../ingest/series.js";

/** What one series feeding a derived rule carries in its binding item. */
export interface Derivation {
  counter: CounterWindow | null;
  fn: CounterFn;
  group: AggregateGroup | null;
  member: number;
  complement: boolean;
}

interface GroupEntry {
  group: AggregateGroup;
  members: Map<string, number>;
}

const MIN_GROUP_STALE_MS = 300_000;

export function isDerived(spec: RuleSpec): boolean {
  return spec.counter !== null || spec.aggregate !== null || spec.complement;
}

/** The alert identity of an aggregated rule: its group's labels, not the series'. */
export function groupLabels(spec: RuleSpec, labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...spec.aggregateBy].sort()) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

export function groupKey(spec: RuleSpec, labels: Labels): string {
  return groupKeyOf(labels, [...spec.aggregateBy].sort());
}

export class DerivedState {
  private readonly counters = new Map<string, CounterWindow>();
  private readonly groups = new Map<string, GroupEntry>();

  derivation(spec: RuleSpec, labels: Labels): Derivation {
    const seriesKey = labelsKeyOf(labels);
    let counter: CounterWindow | null = null;
    if (spec.counter !== null && spec.windowSeconds !== null) {
      const id = `${spec.id}|${seriesKey}`;
      const windowMs = spec.windowSeconds * 1000;
      counter = this.counters.get(id) ?? null;
      if (counter === null || counter.windowMs !== windowMs)
        this.counters.set(id, (counter = new CounterWindow(windowMs)));
    }
    let group: AggregateGroup | null = null;
    let member = -1;
    if (spec.aggregate !== null) {
      const id = `${spec.id}|${groupKey(spec, labels)}`;
      const staleMs = Math.max(MIN_GROUP_STALE_MS, 2 * (spec.windowSeconds ?? 0) * 1000);
      let e = this.groups.get(id);
      if (e === undefined || e.group.fn !== spec.aggregate || e.group.staleMs !== staleMs)
        this.groups.set(
          id,
          (e = { group: new AggregateGroup(spec.aggregate, staleMs), members: new Map() }),
        );
      member = e.members.get(seriesKey) ?? -1;
      if (member === -1) e.members.set(seriesKey, (member = e.group.join()));
      group = e.group;
    }
    return { counter, fn: spec.counter ?? "rate", group, member, complement: spec.complement };
  }

  /** Forgets the state of rules no longer in force. */
  prune(inForce: (ruleId: string) => boolean): void {
    for (const map of [this.counters, this.groups] as Map<string, unknown>[])
      for (const id of map.keys()) if (!inForce(id.slice(0, id.indexOf("|")))) map.delete(id);
  }
}

/** The value a derived rule compares for this sample; NaN when there is none yet. */
export function deriveValue(d: Derivation, tsMs: number, v: number): number {
  let value = d.counter !== null ? d.counter.push(d.fn, tsMs, v) : v;
  if (value !== value) return NaN;
  if (d.group !== null) value = d.group.update(d.member, tsMs, value);
  return d.complement ? 1 - value : value;
}
