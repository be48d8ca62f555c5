// IngestPipeline: the collector's metrics hot path, composed here and read top to bottom
// (decision 0022). The HTTP layer authenticates, builds the IngestContext, calls one entry
// point and maps the result (or IngestError); everything time-dependent takes `nowMs`.
//
// One sample's way through, in order:
//   1. decode   snappy + protobuf (`ingestRemoteWrite`) or JSON (`ingestJsonBatch`)
//   2. rate     the per-component (or per-contract) sample budget: a 429 for the whole push
//   3. series   the series the labels name (remote-write-ingest.ts / json-ingest.ts)
//   4. cap      a new or returning series needs a slot (IngestCore.admitKnown / createSeries);
//               at a full component the series the rules read go first (`rules.needs`)
//   5. store    the compressed recent window (IngestCore.acceptSample → SeriesStore.append)
//   6. rollup   1-minute rollups (Rollups.add), drained by the collector's 10 s flush
//   7. rules    `rules.onSample`, then each listener (the remote_write forwarder); each is
//               guarded: a throw is reported to `onHookError`, the sample stays stored
// After a restart `seedFromRollups` rebuilds the window and hands each series to
// `rules.adoptSeries`, so absence timers start from the last stored sample.
import type { CapReachedEvent } from "./caps.js";
import { type PointBuffer } from "./chunk-codec.js";
import { IngestError } from "./errors.js";
import {
  combineHooks,
  guardHook,
  NOOP_HOOK,
  type IngestContext,
  type IngestResult,
  type RulesAttachment,
  type SampleHook,
} from "./ingest-contract.js";
import { IngestCore } from "./ingest-core.js";
import type { RefusedMetric } from "./refused-series.js";
import { ingestAgentBatch, parseAgentBatch } from "./json-ingest.js";
import { canonicalLabels, DEFAULT_LABEL_LIMITS, type LabelLimits } from "./labels.js";
import type { RateLimiter } from "./rate-limit.js";
import { RemoteWriteDecoder } from "./remote-write-decoder.js";
import { ingestDecoded } from "./remote-write-ingest.js";
import {
  seedFromRollups,
  type RollupBatch,
  type RollupSeed,
  type RollupSeedTarget,
} from "./rollups.js";
import {
  DEFAULT_STORE_OPTIONS,
  type Labels,
  type Series,
  type SeriesStoreOptions,
} from "./series-store.js";
import { RequestTally } from "./request-tally.js";
import { SnappyDecoder } from "./snappy.js";

export {
  type ComponentTarget,
  type IngestContext,
  type IngestResult,
  type RulesAttachment,
  type SampleHook,
} from "./ingest-contract.js";

export interface IngestPipelineOptions {
  store?: Partial<SeriesStoreOptions>;
  /** Samples further ahead of `now` are rejected (too_far_future). Default 10 min. */
  maxFutureMs?: number;
  /** Samples older than `now` minus this are rejected (too_old). Default: the store window. */
  maxPastMs?: number;
  /** Largest decompressed remote_write body. Default 32 MiB. */
  maxDecodedBytes?: number;
  labelLimits?: LabelLimits;
  /** Stage 7, first: the rule engine (also ranks cap slots and adopts the rebuilt window). */
  rules?: RulesAttachment;
  /** Stage 7, after the rules: e.g. the remote_write forwarder. */
  listeners?: readonly SampleHook[];
  /** A rule or listener that threw (the push goes on; default: ignored). */
  onHookError?: (err: unknown) => void;
  onCapReached?: (event: CapReachedEvent) => void;
  rateLimiter?: RateLimiter;
  /** Label that names the component in contract-token remote_write pushes. Default "instance". */
  instanceLabel?: string;
  /** Cap given to components seeded after a restart, until a push states theirs. Default 200. */
  defaultCap?: number;
}

export class IngestPipeline implements RollupSeedTarget {
  readonly core: IngestCore;
  private readonly snappy: SnappyDecoder;
  private readonly decoder = new RemoteWriteDecoder();
  private readonly tally = new RequestTally();
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly defaultCap: number;
  private readonly rules: RulesAttachment | undefined;

  constructor(opts: IngestPipelineOptions = {}) {
    const store = { ...DEFAULT_STORE_OPTIONS, ...opts.store };
    const onHookError = opts.onHookError ?? (() => {});
    // Each guarded on its own: a rule that throws must not starve the forwarder.
    const hooks = [...(opts.rules ? [opts.rules] : []), ...(opts.listeners ?? [])].map((h) =>
      guardHook(h, onHookError),
    );
    this.rules = opts.rules;
    this.core = new IngestCore({
      store,
      maxFutureMs: opts.maxFutureMs ?? 600_000,
      maxPastMs: opts.maxPastMs ?? store.windowMs,
      labelLimits: opts.labelLimits ?? DEFAULT_LABEL_LIMITS,
      hook: hooks.length > 0 ? combineHooks(...hooks) : NOOP_HOOK,
      onCapReached: opts.onCapReached ?? (() => {}),
      instanceLabel: opts.instanceLabel ?? "instance",
      ...(opts.rules ? { priority: opts.rules } : {}),
    });
    this.snappy = new SnappyDecoder(opts.maxDecodedBytes ?? 32 << 20);
    this.rateLimiter = opts.rateLimiter;
    this.defaultCap = opts.defaultCap ?? 200;
  }

  /** Body: snappy-compressed WriteRequest. Throws IngestError for an unreadable body or 429. */
  ingestRemoteWrite(ctx: IngestContext, body: Uint8Array, nowMs: number): IngestResult {
    const decoded = this.decoder.decode(this.snappy.decompress(body));
    this.checkRate(ctx, decoded.samples, nowMs);
    this.core.beginRequest(nowMs);
    this.tally.reset();
    ingestDecoded(this.core, ctx, decoded, nowMs, this.tally);
    return this.tally.result();
  }

  /** Batch: the JSON text, or the value JSON.parse gave. Throws IngestError (bad_json, 429). */
  ingestJsonBatch(ctx: IngestContext, batch: unknown, nowMs: number): IngestResult {
    const parsed = parseAgentBatch(batch);
    let n = 0;
    for (const e of parsed.series) {
      const samples = (e as { samples?: unknown } | null)?.samples;
      n += Array.isArray(samples) ? samples.length : 0;
    }
    this.checkRate(ctx, n, nowMs);
    this.core.beginRequest(nowMs);
    this.tally.reset();
    ingestAgentBatch(this.core, ctx, parsed, nowMs, this.tally);
    return this.tally.result();
  }

  private checkRate(ctx: IngestContext, samples: number, nowMs: number): void {
    if (this.rateLimiter === undefined) return;
    const key = ctx.kind === "component" ? ctx.componentId : `contract:${ctx.contractId}`;
    // One Prometheus sending for a whole contract gets the budget of all its components.
    const scale = ctx.kind === "contract" ? Math.max(1, ctx.componentCount ?? 1) : 1;
    const d = this.rateLimiter.take(key, samples, nowMs, scale);
    if (!d.ok) throw new IngestError("rate_limited", `too many samples for ${key}`, d.retryAfterS);
  }

  /** Run every ~10 s: frees cap slots of stale series and memory of expired ones. */
  sweep(nowMs: number): { activeSeries: number; removedSeries: number } {
    let removedSeries = 0;
    let activeSeries = 0;
    for (const c of this.core.components.values()) {
      removedSeries += this.core.sweepComponent(c, nowMs);
      activeSeries += c.active;
    }
    this.core.store.releaseExpired(nowMs);
    return { activeSeries, removedSeries };
  }

  /** Completed 1-minute rollups that started before `beforeMs`, for the batch writer. */
  drainRollups(beforeMs: number): RollupBatch {
    return this.core.rollups.drain(beforeMs);
  }

  /**
   * After a restart, or when a collector takes contracts over (decision 0019): puts the
   * stored rollups of the recent window back (see rollups.ts), then tells the rules when
   * each series of those components last had a sample.
   */
  seedFromRollups(rows: readonly RollupSeed[], nowMs: number): number {
    const seeded = seedFromRollups(this, rows, nowMs);
    const rules = this.rules;
    if (rules !== undefined)
      for (const id of new Set(rows.map((r) => r.componentId)))
        for (const s of this.core.components.get(id)?.series ?? [])
          rules.adoptSeries(s, this.core.store.lastTimestamp(s));
    return seeded;
  }

  seedPoint(
    componentId: string,
    labels: Readonly<Record<string, string>>,
    tsMs: number,
    value: number,
    nowMs: number,
  ): boolean {
    const core = this.core;
    const c =
      core.components.get(componentId) ?? core.component(componentId, this.defaultCap, undefined);
    const canonical = canonicalLabels(
      Object.keys(labels),
      Object.values(labels),
      core.opts.labelLimits,
      core.interner,
    );
    if (typeof canonical === "string") return false;
    let s = core.findCanonical(c, canonical);
    s ??= core.newSeries(c, canonical);
    if (nowMs - tsMs < core.store.opts.staleMs) core.store.activate(s, tsMs);
    return core.store.append(s, tsMs, value) === 0;
  }

  /** Relaxation changed outside a push (contract pushes only learn caps for new series). */
  setComponentCap(componentId: string, cap: number): void {
    const c = this.core.components.get(componentId);
    if (c !== undefined) this.core.caps.setCap(c, cap);
  }

  /** Termination: drops the component's series; its later pushes count as unknown_component. */
  removeComponent(componentId: string): void {
    this.core.removeComponent(componentId);
  }

  /**
   * Another collector holds these contracts now: their components' series leave this
   * process (the holder keeps them); their open minutes are written by the next flush.
   */
  removeContracts(contractIds: ReadonlySet<string>): number {
    return this.core.removeContracts(contractIds);
  }

  listSeries(componentId: string): readonly Series[] {
    return this.core.components.get(componentId)?.series ?? [];
  }

  findSeries(componentId: string, labels: Labels): Series | undefined {
    const c = this.core.components.get(componentId);
    const canonical = canonicalLabels(
      Object.keys(labels),
      Object.values(labels),
      this.core.opts.labelLimits,
      this.core.interner,
    );
    return c === undefined || typeof canonical === "string"
      ? undefined
      : this.core.findCanonical(c, canonical);
  }

  /** Points of a series with fromMs <= ts <= toMs (typed arrays: NaN payloads survive). */
  read(series: Series, fromMs: number, toMs: number): PointBuffer {
    return this.core.store.read(series, fromMs, toMs);
  }

  /** Every known component's counters (for metrics; no copy). */
  components(): Iterable<{ readonly id: string; readonly active: number; readonly cap: number }> {
    return this.core.components.values();
  }

  /** The components that accepted a sample in the last request (any token kind), once each. */
  seenComponents(): readonly string[] {
    return this.tally.seen;
  }

  /** What the component's cap refused in the last hour, and why (latest first). */
  refusedSeries(componentId: string, nowMs: number): RefusedMetric[] {
    return this.core.refused.list(componentId, nowMs);
  }

  activeSeries(componentId: string): { active: number; cap: number } | undefined {
    const c = this.core.components.get(componentId);
    return c === undefined ? undefined : { active: c.active, cap: c.cap };
  }
}
