// Live metric streams: per-socket subscriptions to a component's series, served from the
// collector's in-memory window. One timer drives every subscription, so each gets at most
// one `series` event per interval however fast samples arrive (the per-client throttle).
import { labelsKey } from "../collector/rollup.store.js";
import type { PointBuffer } from "../ingest/chunk-codec.js";
import type { Series } from "../ingest/series-store.js";
import { AppError } from "../shared/errors.js";
import type { SeriesEvent, SeriesSubscription } from "./messages.js";

/** The part of the ingest pipeline the streams read. */
export interface SeriesSource {
  listSeries(componentId: string): readonly Series[];
  read(series: Series, fromMs: number, toMs: number): PointBuffer;
}

export interface StreamTarget {
  readonly id: string;
  emit(event: "series", payload: SeriesEvent): unknown;
}

export interface SeriesStreamOptions {
  intervalMs: number;
  maxPerSocket: number;
  /** How far back the first event of a subscription reaches. */
  initialWindowMs: number;
  /** Bounds of one event: series of a whole-component subscription, points per series. */
  maxSeries: number;
  maxPoints: number;
}

export const DEFAULT_SERIES_STREAM_OPTIONS: SeriesStreamOptions = {
  intervalMs: 1_000,
  maxPerSocket: 20,
  initialWindowMs: 10 * 60_000,
  maxSeries: 200,
  maxPoints: 360,
};

interface Subscription {
  target: StreamTarget;
  sub: SeriesSubscription;
  /** Last timestamp sent per series key. */
  sent: Map<string, number>;
}

const keyOf = (s: SeriesSubscription) => `${s.componentId}\u0000${s.seriesId ?? ""}`;

export class SeriesStreams {
  private readonly bySocket = new Map<string, Map<string, Subscription>>();
  private readonly keys = new WeakMap<Series, string>();
  private timer: NodeJS.Timeout | undefined;
  readonly opts: SeriesStreamOptions;

  constructor(
    private readonly source: () => SeriesSource | undefined,
    private readonly now: () => number,
    opts: Partial<SeriesStreamOptions> = {},
  ) {
    this.opts = { ...DEFAULT_SERIES_STREAM_OPTIONS, ...opts };
  }

  /** Adds a subscription (idempotent); the caller has checked tenancy. */
  subscribe(target: StreamTarget, sub: SeriesSubscription): void {
    let subs = this.bySocket.get(target.id);
    if (!subs) this.bySocket.set(target.id, (subs = new Map<string, Subscription>()));
    const key = keyOf(sub);
    if (subs.has(key)) return;
    if (subs.size >= this.opts.maxPerSocket)
      throw new AppError(
        "LIMIT_EXCEEDED",
        `at most ${this.opts.maxPerSocket} series subscriptions per socket`,
        [{ path: "componentId", message: "unsubscribe another stream first" }],
      );
    subs.set(key, { target, sub, sent: new Map() });
  }

  unsubscribe(target: StreamTarget, sub: SeriesSubscription): boolean {
    return this.bySocket.get(target.id)?.delete(keyOf(sub)) ?? false;
  }

  drop(targetId: string): void {
    this.bySocket.delete(targetId);
  }

  count(targetId: string): number {
    return this.bySocket.get(targetId)?.size ?? 0;
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: every subscription with new points gets one event. */
  tick(): void {
    const source = this.source();
    if (!source) return;
    for (const subs of this.bySocket.values())
      for (const s of subs.values()) {
        const event = this.collect(source, s);
        if (event) s.target.emit("series", event);
      }
  }

  private collect(source: SeriesSource, s: Subscription): SeriesEvent | undefined {
    const { componentId, seriesId } = s.sub;
    const out: SeriesEvent["series"] = [];
    const initialFrom = this.now() - this.opts.initialWindowMs;
    for (const series of source.listSeries(componentId)) {
      if (out.length >= this.opts.maxSeries) break;
      const key = this.keyOf(series);
      if (seriesId !== undefined && key !== seriesId) continue;
      const last = s.sent.get(key);
      const buf = source.read(series, last === undefined ? initialFrom : last + 1, Infinity);
      if (buf.length === 0) continue;
      const points: [number, number | null][] = [];
      for (let i = Math.max(0, buf.length - this.opts.maxPoints); i < buf.length; i++) {
        const v = buf.values[i]!;
        points.push([buf.ts[i]!, Number.isNaN(v) ? null : v]);
      }
      s.sent.set(key, buf.ts[buf.length - 1]!);
      out.push({ key, labels: { ...series.labels }, points });
    }
    return out.length > 0 ? { componentId, seriesId: seriesId ?? null, series: out } : undefined;
  }

  private keyOf(series: Series): string {
    let key = this.keys.get(series);
    if (key === undefined) this.keys.set(series, (key = labelsKey(series.labels)));
    return key;
  }
}
