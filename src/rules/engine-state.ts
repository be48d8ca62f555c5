// What the engine keeps per component and per series. Per-key states live on the
// component (so a rules reload, which rebinds series, keeps them); a series' binding in its
// ruleState slot points at them so a sample needs no map lookup.
import { newAbsenceState, type AbsenceState } from "../domain/rules/absence-state.js";
import { firingState, type ThresholdState } from "../domain/rules/threshold-state.js";
import type { AlertKey } from "../incidents/alerts.js";
import type { CompiledRule, CompiledRules } from "./compiled-rules.js";
import { DerivedState, type Derivation } from "./derived.js";

/** One threshold rule on one label set; a ratio's numerator and denominator share it. */
export interface ThresholdSlot {
  state: ThresholdState;
  num: number;
  den: number;
}

/** One absence_series rule on one label set. */
export interface SeriesAbsence {
  ruleId: string;
  key: AlertKey;
  labels: Record<string, string>;
  state: AbsenceState;
}

export class ComponentRules {
  /** Latest sample time seen (or the stored lastSeenAt after a restart). */
  lastSeenMs = -Infinity;
  contractId: string | undefined = undefined;
  /** null: no rule applies, or the component may not alert (terminated, removed). */
  compiled: CompiledRules | null = null;
  compiledGen = -1;
  /** Threshold states by `ruleId|labelsKey`. */
  readonly slots = new Map<string, ThresholdSlot>();
  /** absence_component states by rule id. */
  readonly silence = new Map<string, AbsenceState>();
  /** How many of `silence` are firing: the hot path checks only this number. */
  silent = 0;
  readonly seriesAbsence = new Map<string, SeriesAbsence>();
  /** Counter windows and aggregate groups of derived rules (derived.ts). */
  readonly derived = new DerivedState();
  /**
   * The binding every series of this component that no rule reads shares (most series):
   * one object instead of one per series (48 bytes each). Bindings are never mutated.
   */
  unbound: SeriesBinding | undefined = undefined;
  constructor(readonly id: string) {}

  /** Marks a key firing as it was before a restart: a breach then repeats, a recovery clears. */
  restoreFiring(f: FiringKey): void {
    const key = { componentId: this.id, ruleId: f.ruleId, labelsKey: f.labelsKey };
    if (f.ruleKind === "threshold") {
      // In place when bound already (a contract taken over, decision 0019): bindings hold it.
      const slot = this.slots.get(slotId(f.ruleId, f.labelsKey));
      if (slot !== undefined) slot.state = firingState(f.lastFiredMs);
      else
        this.slots.set(slotId(f.ruleId, f.labelsKey), {
          state: firingState(f.lastFiredMs),
          num: NaN,
          den: NaN,
        });
    } else if (f.ruleKind === "absence_component") {
      if (!this.silence.get(f.ruleId)?.firing) this.silent++;
      this.silence.set(f.ruleId, {
        ...newAbsenceState(this.lastSeenMs, true),
        lastFiredMs: f.lastFiredMs,
      });
    } else if (f.ruleKind === "absence_series") {
      const state = { ...newAbsenceState(-Infinity, true), lastFiredMs: f.lastFiredMs };
      const bound = this.seriesAbsence.get(slotId(f.ruleId, f.labelsKey));
      if (bound !== undefined) {
        if (!bound.state.firing)
          Object.assign(bound.state, state, { lastSeenMs: bound.state.lastSeenMs });
        return;
      }
      this.seriesAbsence.set(slotId(f.ruleId, f.labelsKey), {
        ruleId: f.ruleId,
        key,
        labels: f.labels,
        state,
      });
    }
  }

  /** Drops the keys of rules that no longer apply, clearing those that were firing. */
  prune(compiled: CompiledRules | null, clear: (key: AlertKey) => void): void {
    if (compiled === null) {
      // Terminated or removed: no alerts, and nothing to carry forward.
      this.slots.clear();
      this.silence.clear();
      this.seriesAbsence.clear();
      this.silent = 0;
      return;
    }
    const gone = (ruleId: string) => !compiled.byId.has(ruleId);
    for (const [id, slot] of this.slots) {
      const ruleId = id.slice(0, id.indexOf("|"));
      if (!gone(ruleId)) continue;
      if (slot.state.phase === "firing" || slot.state.phase === "recovering")
        clear({ componentId: this.id, ruleId, labelsKey: id.slice(ruleId.length + 1) });
      this.slots.delete(id);
    }
    for (const [ruleId, s] of this.silence) {
      if (!gone(ruleId)) continue;
      if (s.firing) clear({ componentId: this.id, ruleId, labelsKey: "" });
      this.silence.delete(ruleId);
    }
    this.silent = [...this.silence.values()].filter((s) => s.firing).length;
    for (const [id, a] of this.seriesAbsence) {
      if (!gone(a.ruleId)) continue;
      if (a.state.firing) clear(a.key);
      this.seriesAbsence.delete(id);
    }
  }
}

/** A key with an unresolved incident, read back at start. */
export interface FiringKey {
  componentId: string;
  ruleId: string;
  labelsKey: string;
  ruleKind: string;
  labels: Record<string, string>;
  lastFiredMs: number;
}

/** One rule a series feeds. */
export interface Item {
  rule: CompiledRule;
  role: number;
  key: AlertKey;
  labels: Record<string, string>;
  slot: ThresholdSlot | null;
  absence: SeriesAbsence | null;
  /** Rate, aggregate or complement rules: how the sample becomes the compared value. */
  derived: Derivation | null;
}

/** Stored in Series.ruleState; `items: null` is the cached "no rule matches". */
export interface SeriesBinding {
  gen: number;
  comp: ComponentRules;
  items: Item[] | null;
}

export const slotId = (ruleId: string, labelsKey: string): string => `${ruleId}|${labelsKey}`;
