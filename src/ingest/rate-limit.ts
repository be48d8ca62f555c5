// Per-component token bucket over samples (SPEC 3, Art. 18 (4)): a client that sends too
// much is told when to retry; others are unaffected. A request larger than the burst is
// allowed when the bucket is full and leaves it in debt, so big batches are not refused
// forever. Time is a parameter.

export interface RateLimitOptions {
  samplesPerS: number;
  burst: number; // bucket size in samples
  maxKeys: number; // buckets kept before idle (full) ones are pruned
}

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

const OK: RateDecision = { ok: true };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly opts: RateLimitOptions;

  constructor(opts: Partial<RateLimitOptions> & Pick<RateLimitOptions, "samplesPerS" | "burst">) {
    this.opts = { maxKeys: 100_000, ...opts };
    if (!(this.opts.samplesPerS > 0) || !(this.opts.burst > 0))
      throw new RangeError("rate and burst must be > 0");
  }

  /**
   * Takes `n` samples' worth of tokens for `key`, or says how long to wait. `scale` multiplies
   * rate and burst (a per-contract token sends for that many components).
   */
  take(key: string, n: number, nowMs: number, scale = 1): RateDecision {
    const samplesPerS = this.opts.samplesPerS * scale;
    const burst = this.opts.burst * scale;
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.opts.maxKeys) this.prune(nowMs);
      b = { tokens: burst, atMs: nowMs };
      this.buckets.set(key, b);
    }
    if (nowMs > b.atMs) {
      b.tokens = Math.min(burst, b.tokens + ((nowMs - b.atMs) / 1000) * samplesPerS);
      b.atMs = nowMs;
    }
    const need = Math.min(n, burst);
    if (b.tokens >= need) {
      b.tokens -= n;
      return OK;
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((need - b.tokens) / samplesPerS)) };
  }

  private prune(nowMs: number): void {
    const { samplesPerS, burst } = this.opts;
    // A scaled bucket is pruned once it holds at least an unscaled burst: a fresh one is fuller.
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.atMs) / 1000) * samplesPerS >= burst) this.buckets.delete(k);
    }
  }
}
