// The shared machinery of both ingest formats: components, the series index, cap admission,
// and the one pass per accepted sample (store -> rollup -> hook). The format modules
// (remote-write-ingest.ts, json-ingest.ts) resolve series and call `acceptSample`.
import { CapGate, type CapReachedEvent, type CapState } from "./caps.js";
import { REASON_INDEX } from "./errors.js";
import type { SampleHook, SeriesPriority } from "./ingest-contract.js";
import { StringInterner, type LabelLimits } from "./labels.js";
import { labelsHash } from "./label-hash.js";
import { RawLabelStore } from "./raw-label-store.js";
import { RefusedSeriesLog } from "./refused-series.js";
import type { RequestTally } from "./request-tally.js";
import { Rollups } from "./rollups.js";
import { SeriesIndex } from "./series-index.js";
import {
  APPEND_DUPLICATE,
  APPEND_OK,
  ComponentState,
  type Series,
  SeriesStore,
  type Labels,
  type SeriesStoreOptions,
} from "./series-store.js";

export interface IngestCoreOptions {
  store: Partial<SeriesStoreOptions>;
  maxFutureMs: number;
  maxPastMs: number;
  labelLimits: LabelLimits;
  hook: SampleHook;
  onCapReached: (event: CapReachedEvent) => void;
  /** Label naming the component in contract pushes. */
  instanceLabel: string;
  /** Which series the rules in force read: they take cap slots first (see `admitSlot`). */
  priority?: SeriesPriority;
}

const R = REASON_INDEX;

export class IngestCore {
  readonly store: SeriesStore;
  readonly rollups: Rollups;
  readonly caps: CapGate;
  readonly index: SeriesIndex;
  readonly interner = new StringInterner();
  readonly raw = new RawLabelStore();
  readonly refused = new RefusedSeriesLog();
  readonly components = new Map<string, ComponentState>();
  private readonly contractSeeds = new Map<string, number>();
  private nextSeed = 1;
  private readonly removedScratch: Series[] = [];
  // Per request: the accepted timestamp range.
  minTs = 0;
  maxTs = 0;
  private requestNo = 0;

  constructor(readonly opts: IngestCoreOptions) {
    this.store = new SeriesStore(opts.store);
    this.rollups = new Rollups((id) => this.store.byId(id));
    // Reserved ids (see SeriesStoreOptions.reserveSeries): the arrays beside the store too.
    if (this.store.capacity > 0) {
      this.rollups.reserve(this.store.capacity);
      this.raw.ensure(this.store.capacity);
    }
    this.caps = new CapGate(opts.onCapReached);
    this.index = new SeriesIndex((h) => this.store.byHandle(h) !== undefined);
  }

  beginRequest(nowMs: number): void {
    this.requestNo++;
    this.opts.hook.beginPush?.(nowMs);
    this.minTs = nowMs - this.opts.maxPastMs;
    this.maxTs = nowMs + this.opts.maxFutureMs;
  }

  component(id: string, cap: number, contractId: string | undefined): ComponentState {
    let c = this.components.get(id);
    if (c === undefined) {
      c = new ComponentState(id, this.nextSeed++, cap, contractId);
      this.components.set(id, c);
    } else {
      this.caps.setCap(c, cap);
      if (contractId !== undefined) c.contractId = contractId;
    }
    return c;
  }

  contractSeed(contractId: string): number {
    let s = this.contractSeeds.get(contractId);
    if (s === undefined) this.contractSeeds.set(contractId, (s = this.nextSeed++));
    return s;
  }

  /** A known series joins this request: active ones flow, stale ones need a cap slot again. */
  admitKnown(s: Series, nowMs: number, tally: RequestTally): boolean {
    if (this.store.isActive(s)) {
      this.store.touch(s, nowMs);
      return true;
    }
    if (!this.admitSlot(s.component, s.labels, nowMs))
      return this.capRefused(s.component, s.labels, nowMs, tally);
    this.store.activate(s, nowMs);
    return true;
  }

  /** Creates a series after cap admission; undefined (and counted) when the cap refuses it. */
  createSeries(
    c: ComponentState,
    labels: Labels,
    nowMs: number,
    tally: RequestTally,
  ): Series | undefined {
    if (!this.admitSlot(c, labels, nowMs)) {
      this.capRefused(c, labels, nowMs, tally);
      return undefined;
    }
    const s = this.newSeries(c, labels);
    this.store.activate(s, nowMs);
    return s;
  }

  /** Every series is born here: store slot, rollup state, canonical index entry. */
  newSeries(c: ComponentState, labels: Labels): Series {
    const s = this.store.create(c, labels);
    this.raw.ensure(this.store.capacity); // successor slots exist for every series id
    this.rollups.open(s);
    this.index.insert(labelsHash(labels, c.seed), this.store.handleOf(s));
    return s;
  }

  /** Finds the series of `c` with exactly these canonical labels. */
  findCanonical(c: ComponentState, labels: Labels): Series | undefined {
    const h = labelsHash(labels, c.seed);
    const idx = this.index;
    for (
      let slot = idx.start(h), hd = idx.handleAt(slot);
      hd !== -1;
      slot = idx.next(slot), hd = idx.handleAt(slot)
    ) {
      if (idx.hashAt(slot) !== h) continue;
      const s = this.store.byHandle(hd);
      if (s !== undefined && s.component === c && sameLabels(s.labels, labels)) return s;
    }
    return undefined;
  }

  /** Adds a lookup key for a series unless that exact entry exists already. */
  alias(hash: number, s: Series): void {
    const handle = this.store.handleOf(s);
    const idx = this.index;
    for (
      let slot = idx.start(hash), hd = idx.handleAt(slot);
      hd !== -1;
      slot = idx.next(slot), hd = idx.handleAt(slot)
    ) {
      if (hd === handle && idx.hashAt(slot) === hash) return;
    }
    idx.insert(hash, handle);
  }

  /** The single pass for one sample; returns false when it was rejected (and counted). */
  acceptSample(s: Series, ts: number, v: number, tally: RequestTally): boolean {
    if (!(ts >= this.minTs))
      return this.rejectSample(tally, ts === ts ? R.too_old : R.bad_timestamp);
    if (ts > this.maxTs) return this.rejectSample(tally, R.too_far_future);
    const r = this.store.append(s, ts, v);
    if (r !== APPEND_OK)
      return this.rejectSample(tally, r === APPEND_DUPLICATE ? R.duplicate : R.out_of_order);
    this.rollups.add(s, ts, v);
    const c = s.component;
    this.opts.hook.onSample(c.id, s, s.labels, ts, v);
    tally.accepted++;
    if (c.seenInRequest !== this.requestNo) {
      c.seenInRequest = this.requestNo;
      tally.seen.push(c.id);
    }
    return true;
  }

  private rejectSample(tally: RequestTally, reason: number): boolean {
    tally.rejected[reason] = tally.rejected[reason]! + 1;
    return false;
  }

  /**
   * A cap slot for a new or returning series. At the cap, a series the rules read takes the
   * slot of an active series they do not read (that one is refused from then on); other
   * series never displace anything. Runs only when a series needs a slot, never per sample.
   */
  private admitSlot(c: ComponentState, labels: Labels, nowMs: number): boolean {
    if (this.caps.admit(c, nowMs, this.reclaim)) return true;
    const p = this.opts.priority;
    if (p === undefined || !p.needs(c.id, c.contractId, labels)) return false;
    for (let i = 0; i < c.series.length && c.active >= c.cap; i++) {
      const v = c.series[i]!;
      if (!this.store.isActive(v) || p.needs(c.id, c.contractId, v.labels)) continue;
      this.store.deactivate(v);
      this.refused.record(c.id, v.labels, "displaced", nowMs);
    }
    return c.active < c.cap;
  }

  private capRefused(c: ComponentState, labels: Labels, nowMs: number, tally: RequestTally): false {
    this.refused.record(c.id, labels, "cap_exceeded", nowMs);
    tally.rejectedSeries++;
    tally.capped.set(c, (tally.capped.get(c) ?? 0) + 1);
    return false;
  }

  /** Frees stale slots of a full component, at most once a second per component. */
  readonly reclaim = (c: CapState, nowMs: number): void => {
    const comp = c as ComponentState;
    if (nowMs - comp.sweptAtMs >= 1000) this.sweepComponent(comp, nowMs);
  };

  sweepComponent(c: ComponentState, nowMs: number): number {
    const removed = this.store.sweepComponent(c, nowMs, this.removedScratch);
    for (const s of removed) this.forget(s);
    const n = removed.length;
    removed.length = 0;
    this.caps.settle(c);
    return n;
  }

  /**
   * Drops every component of these contracts (another collector holds them now, decision
   * 0024): their series, rollup state (open minutes go to the next flush) and raw labels.
   * Returns the number of series dropped.
   */
  removeContracts(contractIds: ReadonlySet<string>): number {
    let n = 0;
    for (const c of [...this.components.values()]) {
      if (c.contractId === undefined || !contractIds.has(c.contractId)) continue;
      n += c.series.length;
      this.removeComponent(c.id);
    }
    return n;
  }

  removeComponent(id: string): void {
    const c = this.components.get(id);
    if (c === undefined) return;
    c.removed = true;
    for (const s of [...c.series]) {
      this.forget(s);
      this.store.remove(s);
    }
    this.components.delete(id);
    this.refused.forget(id);
  }

  // What other structures hold for a series that leaves the store.
  private forget(s: Series): void {
    this.rollups.close(s);
    this.raw.release(s.id);
  }
}

export function sameLabels(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
