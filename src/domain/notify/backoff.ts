// Retry delays for the notification outbox: exponential backoff with "full jitter"
// (uniform in [0, min(cap, base·2^(n-1))]) so retries after a shared outage (SMTP down for
// everyone) spread out instead of arriving together when it comes back. The budget is time,
// not attempts: eight jittered attempts from a 2 s base could all be spent inside one
// minute of outage; a message is retried until `retryForMs` after it was queued.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/** The ceiling of the delay after the `attempt`-th failed attempt (1-based). */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = Math.min(Math.max(attempt, 1) - 1, 30); // 2^30·base overflows any cap anyway
  return Math.min(policy.capMs, policy.baseMs * 2 ** exp);
}

/** `random` is in [0, 1) — a parameter, so the jitter is testable and the domain stays pure. */
export function retryDelayMs(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return Math.floor(random * backoffCeilingMs(attempt, policy));
}

/**
 * When a message that just failed is tried next, or null when its time is up (it is then
 * `failed` and waits for a human retry). The last try falls on the deadline itself, so a
 * message queued at T is tried at least once after T + retryForMs − cap.
 */
export function nextAttemptAtMs(
  queuedAtMs: number,
  nowMs: number,
  retryForMs: number,
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number | null {
  const deadline = queuedAtMs + retryForMs;
  if (nowMs >= deadline) return null;
  return Math.min(nowMs + retryDelayMs(attempt, random, policy), deadline);
}
