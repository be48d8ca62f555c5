// rate() and increase() of a counter over a trailing window, on arrival. Samples inside the
// window are kept reset-adjusted (a drop in value is a counter reset: the value before it is
// added to every later sample), so increase = last - first of the adjusted values. Unlike
// Prometheus there is no extrapolation to the window's edges: the figure is what was seen.

export const COUNTER_FNS = ["rate", "increase"] as const;
export type CounterFn = (typeof COUNTER_FNS)[number];

const MAX_SAMPLES = 4096;

export class CounterWindow {
  private ts = new Float64Array(8);
  private adj = new Float64Array(8);
  private head = 0;
  private len = 0;
  private offset = 0;
  private lastRaw = NaN;

  constructor(readonly windowMs: number) {}

  /**
   * Adds a sample (timestamps increase; the store refuses older ones) and returns the
   * function's value over the window ending at `tsMs`, NaN while fewer than two samples.
   */
  push(fn: CounterFn, tsMs: number, raw: number): number {
    if (raw !== raw) return NaN; // a stale marker: no data, window unchanged
    if (raw < this.lastRaw) this.offset += this.lastRaw; // reset: restarted from ~0
    this.lastRaw = raw;
    this.append(tsMs, raw + this.offset);
    this.evict(tsMs - this.windowMs);
    return this.value(fn);
  }

  value(fn: CounterFn): number {
    if (this.len < 2) return NaN;
    const cap = this.ts.length;
    const first = this.head;
    const last = (this.head + this.len - 1) % cap;
    const inc = this.adj[last]! - this.adj[first]!;
    if (fn === "increase") return inc;
    const dtS = (this.ts[last]! - this.ts[first]!) / 1000;
    return dtS > 0 ? inc / dtS : NaN;
  }

  get size(): number {
    return this.len;
  }

  private append(tsMs: number, v: number): void {
    if (this.len === this.ts.length) {
      if (this.len >= MAX_SAMPLES) {
        this.head = (this.head + 1) % this.ts.length;
        this.len--;
      } else this.grow();
    }
    const i = (this.head + this.len) % this.ts.length;
    this.ts[i] = tsMs;
    this.adj[i] = v;
    this.len++;
  }

  private evict(horizonMs: number): void {
    while (this.len > 0 && this.ts[this.head]! < horizonMs) {
      this.head = (this.head + 1) % this.ts.length;
      this.len--;
    }
  }

  private grow(): void {
    const n = this.ts.length * 2;
    const ts = new Float64Array(n);
    const adj = new Float64Array(n);
    for (let i = 0; i < this.len; i++) {
      const j = (this.head + i) % this.ts.length;
      ts[i] = this.ts[j]!;
      adj[i] = this.adj[j]!;
    }
    this.ts = ts;
    this.adj = adj;
    this.head = 0;
  }
}
