import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit.js";

describe(RateLimiter.name, () => {
  it("allows the burst, then asks to retry after the time the tokens take to refill", () => {
    const rl = new RateLimiter({ samplesPerS: 100, burst: 1000 });
    expect(rl.take("a", 1000, 0)).toEqual({ ok: true });
    expect(rl.take("a", 50, 0)).toEqual({ ok: false, retryAfterS: 1 });
    expect(rl.take("a", 300, 1000)).toEqual({ ok: false, retryAfterS: 2 });
    expect(rl.take("a", 300, 3000)).toEqual({ ok: true });
    expect(rl.take("b", 1000, 3000)).toEqual({ ok: true }); // components are independent
  });

  it("gives a scaled key (a contract token for 10,000 VMs) that many components' budget", () => {
    const rl = new RateLimiter({ samplesPerS: 2000, burst: 60_000 });
    // 300 pushes of 10,000 samples a second apart: 10,000 components' worth of 2,000/s.
    for (let i = 0; i < 300; i++) expect(rl.take("k", 10_000, i * 1000, 10_000).ok).toBe(true);
    expect(rl.take("unscaled", 60_000, 0).ok).toBe(true);
    expect(rl.take("unscaled", 10_000, 1000).ok).toBe(false);
  });

  it("lets a request larger than the burst through a full bucket, leaving it in debt", () => {
    const rl = new RateLimiter({ samplesPerS: 10, burst: 100 });
    expect(rl.take("a", 250, 0)).toEqual({ ok: true });
    expect(rl.take("a", 1, 1000)).toEqual({ ok: false, retryAfterS: 15 });
    expect(rl.take("a", 1, 16_000)).toEqual({ ok: true });
  });

  it("prunes full buckets when it tracks too many keys", () => {
    const rl = new RateLimiter({ samplesPerS: 1, burst: 1, maxKeys: 2 });
    rl.take("a", 1, 0);
    rl.take("b", 1, 0);
    rl.take("c", 1, 5000); // a and b are full again by now and get pruned
    expect(rl.take("a", 1, 5000)).toEqual({ ok: true });
  });
});
