// Which series a component's cap refused, and why, for the component page: a small bounded
// record per component, written only on the refusal path (never per accepted sample).
import { labelsHash } from "./label-hash.js";
import type { Labels } from "./series.js";

export const REFUSAL_REASONS = ["cap_exceeded", "displaced"] as const;
/** cap_exceeded: no slot for a new or returning series; displaced: gave its slot to a rule series. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface RefusedMetric {
  metric: string;
  reason: RefusalReason;
  /** Distinct label sets refused (counted up to MAX_DISTINCT). */
  series: number;
  /** Times a series of this metric was refused (once per series per push). */
  refusals: number;
  firstRefusedAtMs: number;
  lastRefusedAtMs: number;
  exampleLabels: Labels;
}

interface Entry extends RefusedMetric {
  hashes: Set<number>;
}

const MAX_METRICS = 200;
const MAX_DISTINCT = 10_000;
export const REFUSED_KEEP_MS = 3_600_000;

export class RefusedSeriesLog {
  private readonly byComponent = new Map<string, Map<string, Entry>>();

  record(componentId: string, labels: Labels, reason: RefusalReason, nowMs: number): void {
    let entries = this.byComponent.get(componentId);
    if (entries === undefined)
      this.byComponent.set(componentId, (entries = new Map<string, Entry>()));
    const metric = labels.__name__ ?? "";
    const key = `${reason}\u0000${metric}`;
    let e = entries.get(key);
    if (e === undefined) {
      if (entries.size >= MAX_METRICS) this.evictOldest(entries);
      e = {
        metric,
        reason,
        series: 0,
        refusals: 0,
        firstRefusedAtMs: nowMs,
        lastRefusedAtMs: nowMs,
        exampleLabels: labels,
        hashes: new Set(),
      };
      entries.set(key, e);
    }
    e.refusals++;
    e.lastRefusedAtMs = nowMs;
    if (e.hashes.size < MAX_DISTINCT) {
      e.hashes.add(labelsHash(labels, 0));
      e.series = e.hashes.size;
    }
  }

  /** The component's refusals of the last hour, latest first. */
  list(componentId: string, nowMs: number): RefusedMetric[] {
    const entries = this.byComponent.get(componentId);
    if (entries === undefined) return [];
    const out: RefusedMetric[] = [];
    for (const [key, e] of entries) {
      if (nowMs - e.lastRefusedAtMs > REFUSED_KEEP_MS) entries.delete(key);
      else {
        const { hashes: _, ...view } = e;
        out.push(view);
      }
    }
    return out.sort(
      (a, b) => b.lastRefusedAtMs - a.lastRefusedAtMs || a.metric.localeCompare(b.metric),
    );
  }

  forget(componentId: string): void {
    this.byComponent.delete(componentId);
  }

  private evictOldest(entries: Map<string, Entry>): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, e] of entries)
      if (e.lastRefusedAtMs < oldest) [oldest, oldestKey] = [e.lastRefusedAtMs, k];
    if (oldestKey !== undefined) entries.delete(oldestKey);
  }
}
