// @ts-check

/**
 * Exponential backoff with full jitter (a uniformly random wait in [0, min(max, base·2^attempt)) ):
 * thousands of agents that lost the collector at the same moment must not retry in lockstep.
 * @param {number} attempt 0 for the first retry
 * @param {{ baseMs: number, maxMs: number }} policy
 * @param {() => number} random in [0, 1)
 */
export function backoffDelayMs(attempt, policy, random) {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * @param {string | undefined} value @param {number} nowMs
 * @returns {number | null} milliseconds to wait, null when absent or unparseable
 */
export function parseRetryAfterMs(value, nowMs) {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Date.parse accepts "-5" as a year; an HTTP-date always names its day and month.
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * A sleep that an AbortSignal cuts short, so shutdown never waits out a long backoff.
 * @param {number} ms @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function abortableSleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
