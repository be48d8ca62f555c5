// 1-minute rollups (min, max, sum/count for avg, last, count) accumulated per series in typed
// arrays indexed by series id; a completed minute goes to a columnar pending buffer until the
// batch writer drains it. NaN samples (Prometheus stale markers) are not aggregated.
// A sample arriving for a minute that was already drained starts a second row for the same
// (series, minute): the writer must upsert by merging (min of mins, sum of sums, ...).
import type { Labels, Series } from "./series-store.js";

export interface RollupRow {
  componentId: string;
  labels: Labels;
  series: Series;
  minuteStartMs: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  avg: number;
  last: number;
  /** Timestamp of the minute's last sample (a restart seeds the store from it). */
  lastTs: number;
}

const MINUTE_MS = 60_000;

export class Rollups {
  private minute = new Int32Array(0); // minutes since the epoch
  private min = new Float64Array(0);
  private max = new Float64Array(0);
  private sum = new Float64Array(0);
  private last = new Float64Array(0);
  private lastTs = new Float64Array(0);
  private count = new Int32Array(0);
  /** Ids below this were ever opened: a drain scans these, not the whole reservation. */
  private idsInUse = 0;
  private readonly pending = new PendingRows();

  /** `seriesOf` maps a live series id back to its Series (the store's table). */
  constructor(private readonly seriesOf: (id: number) => Series | undefined) {}

  /** Sizes the per-series arrays for ids below `capacity` at once. */
  reserve(capacity: number): void {
    if (capacity > this.count.length) this.grow(capacity - 1);
  }

  /** Starts the state of a new series (ids are reused after removal). */
  open(s: Series): void {
    if (s.id >= this.count.length) this.grow(s.id);
    if (s.id >= this.idsInUse) this.idsInUse = s.id + 1;
    this.count[s.id] = 0;
    this.minute[s.id] = -1;
  }

  /** Adds an accepted sample; samples of one series must come in timestamp order. */
  add(s: Series, ts: number, v: number): void {
    const id = s.id;
    const m = Math.floor(ts / MINUTE_MS);
    if (this.minute[id] !== m) {
      this.complete(id);
      this.minute[id] = m;
      this.min[id] = Infinity;
      this.max[id] = -Infinity;
      this.sum[id] = 0;
      this.count[id] = 0;
    }
    this.lastTs[id] = ts;
    if (v !== v) return;
    if (v < this.min[id]!) this.min[id] = v;
    if (v > this.max[id]!) this.max[id] = v;
    this.sum[id] = this.sum[id]! + v;
    this.last[id] = v;
    this.count[id] = this.count[id]! + 1;
  }

  /** Completes the open minute of a series (call before the series is removed). */
  close(s: Series): void {
    this.complete(s.id);
    this.minute[s.id] = -1;
  }

  /** Returns every minute that started before `beforeMs` (open ones are completed). */
  drain(beforeMs: number): RollupBatch {
    const before = Math.floor(beforeMs / MINUTE_MS);
    for (let id = 0; id < this.idsInUse; id++) {
      if (this.count[id]! > 0 && this.minute[id]! < before) this.complete(id);
    }
    return this.pending.take(before);
  }

  private complete(id: number): void {
    const n = this.count[id]!;
    const s = n > 0 ? this.seriesOf(id) : undefined;
    if (s === undefined) return;
    this.pending.push(
      s,
      this.minute[id]!,
      this.min[id]!,
      this.max[id]!,
      this.sum[id]!,
      n,
      this.last[id]!,
      this.lastTs[id]!,
    );
    this.count[id] = 0;
  }

  get byteLength(): number {
    return this.count.length * 40;
  }

  // Grows by an eighth: doubling would leave up to half the arrays unused.
  private grow(id: number): void {
    const n = Math.max(id + 1, this.count.length + Math.max(4096, this.count.length >> 3));
    const re = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.minute = re(this.minute);
    this.min = re(this.min);
    this.max = re(this.max);
    this.sum = re(this.sum);
    this.last = re(this.last);
    this.lastTs = re(this.lastTs);
    this.count = re(this.count);
  }
}

const W = 7; // columns per pending row

// Completed minutes, columnar, so a minute roll-over allocates no object per series.
class PendingRows {
  private series: Series[] = [];
  private cols = new Float64Array(W * 1024); // minute, min, max, sum, count, last, lastTs
  private n = 0;

  push(
    s: Series,
    minute: number,
    min: number,
    max: number,
    sum: number,
    count: number,
    last: number,
    lastTs: number,
  ): void {
    if ((this.n + 1) * W > this.cols.length) {
      const b = new Float64Array(this.cols.length * 2);
      b.set(this.cols);
      this.cols = b;
    }
    const k = this.n * W;
    this.series[this.n++] = s;
    this.cols[k] = minute;
    this.cols[k + 1] = min;
    this.cols[k + 2] = max;
    this.cols[k + 3] = sum;
    this.cols[k + 4] = count;
    this.cols[k + 5] = last;
    this.cols[k + 6] = lastTs;
  }

  take(beforeMinute: number): RollupBatch {
    const c = this.cols;
    let taken = 0;
    for (let i = 0; i < this.n; i++) if (c[i * W]! < beforeMinute) taken++;
    if (taken === this.n && taken > 0) {
      // Every pending minute goes (the usual flush): the batch takes the buffer as it is, no
      // copy. The next buffer is sized for this flush up to 2^18 rows (14.7 MB; a flush of a
      // million series at 10 s carries ≈ 170,000), so a backlog's peak (a database outage,
      // time-compressed bench fills) is not kept for ever.
      const series = this.series;
      this.series = [];
      this.cols = new Float64Array(W * Math.min(Math.max(1024, taken), 1 << 18));
      this.n = 0;
      return new RollupBatch(series, c.subarray(0, taken * W));
    }
    const out = new Float64Array(taken * W);
    const series = new Array<Series>(taken);
    let kept = 0;
    let t = 0;
    for (let i = 0; i < this.n; i++) {
      const k = i * W;
      if (c[k]! >= beforeMinute) {
        c.copyWithin(kept * W, k, k + W);
        this.series[kept++] = this.series[i]!;
      } else {
        for (let j = 0; j < W; j++) out[t * W + j] = c[k + j]!;
        series[t++] = this.series[i]!;
      }
    }
    this.n = kept;
    this.series.length = kept;
    return new RollupBatch(series, out);
  }
}

/**
 * Drained rows, columnar: a flush of 100,000 series makes no object per row. `row(i)` gives
 * one as a RollupRow (for a log line or a test).
 */
export class RollupBatch {
  readonly length: number;
  constructor(
    readonly series: readonly Series[],
    private readonly cols: Float64Array,
  ) {
    this.length = series.length;
  }

  static of(rows: readonly RollupRow[]): RollupBatch {
    const cols = new Float64Array(rows.length * W);
    rows.forEach((r, i) =>
      cols.set(
        [r.minuteStartMs / MINUTE_MS, r.min, r.max, r.sum, r.count, r.last, r.lastTs],
        i * W,
      ),
    );
    return new RollupBatch(
      rows.map((r) => r.series),
      cols,
    );
  }

  minuteStartMs(i: number): number {
    return this.cols[i * W]! * MINUTE_MS;
  }
  min(i: number): number {
    return this.cols[i * W + 1]!;
  }
  max(i: number): number {
    return this.cols[i * W + 2]!;
  }
  sum(i: number): number {
    return this.cols[i * W + 3]!;
  }
  count(i: number): number {
    return this.cols[i * W + 4]!;
  }
  last(i: number): number {
    return this.cols[i * W + 5]!;
  }
  lastTs(i: number): number {
    return this.cols[i * W + 6]!;
  }

  row(i: number): RollupRow {
    const s = this.series[i]!;
    const [sum, count] = [this.sum(i), this.count(i)];
    return {
      componentId: s.componentId,
      labels: s.labels,
      series: s,
      minuteStartMs: this.minuteStartMs(i),
      min: this.min(i),
      max: this.max(i),
      sum,
      count,
      avg: sum / count,
      last: this.last(i),
      lastTs: this.lastTs(i),
    };
  }

  rows(): RollupRow[] {
    return Array.from({ length: this.length }, (_, i) => this.row(i));
  }

  slice(from: number, to = this.length): RollupBatch {
    const a = Math.max(0, Math.min(from, this.length));
    const b = Math.max(a, Math.min(to, this.length));
    return new RollupBatch(this.series.slice(a, b), this.cols.slice(a * W, b * W));
  }

  concat(other: RollupBatch): RollupBatch {
    if (other.length === 0) return this;
    if (this.length === 0) return other;
    const cols = new Float64Array((this.length + other.length) * W);
    cols.set(this.cols);
    cols.set(other.cols, this.length * W);
    return new RollupBatch([...this.series, ...other.series], cols);
  }
}

/** What a restart seeds from: the stored rollup rows of the recent window. */
export interface RollupSeed {
  componentId: string;
  labels: Readonly<Record<string, string>>;
  minuteStartMs: number;
  last: number;
  /** When the minute's last sample was taken; null for rows stored before it was kept. */
  lastTs: number | null;
}

export interface RollupSeedTarget {
  /** Puts one point back into the store (no cap check, no hook, no rollup). */
  seedPoint(
    componentId: string,
    labels: Readonly<Record<string, string>>,
    tsMs: number,
    value: number,
    nowMs: number,
  ): boolean;
}

/**
 * Seeds the recent window after a restart: one point per stored minute, the minute's last
 * value at the time it was taken, so the next sample after it is accepted (a restart at
 * second :03 takes pushes at :04 again). Rows stored before that time was kept fall back to
 * the minute's last millisecond. Returns the number of points seeded.
 */
export function seedFromRollups(
  target: RollupSeedTarget,
  rows: readonly RollupSeed[],
  nowMs: number,
): number {
  const sorted = [...rows].sort((a, b) => a.minuteStartMs - b.minuteStartMs);
  let n = 0;
  for (const r of sorted) {
    const ts = r.lastTs ?? r.minuteStartMs + MINUTE_MS - 1;
    if (target.seedPoint(r.componentId, r.labels, ts, r.last, nowMs)) n++;
  }
  return n;
}
