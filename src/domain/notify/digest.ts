// Alert storms (issue #6): once `threshold` incidents of one contract opened within the
// window, each further `opened` e-mail is merged into one digest per contact. Resolved
// e-mails are never merged: a customer must always learn that a problem is over.
import type { NotifyEvent } from "./plan.js";

export interface DigestPolicy {
  windowS: number;
  threshold: number;
}

/** `openedInWindow` counts this incident too. */
export function mergesIntoDigest(
  event: NotifyEvent,
  openedInWindow: number,
  p: DigestPolicy,
): boolean {
  return event === "incident.opened" && p.threshold > 0 && openedInWindow > p.threshold;
}

export function digestWindowStartMs(atMs: number, p: DigestPolicy): number {
  return atMs - p.windowS * 1000;
}

/** A digest waits one window after its first merged incident, collecting the storm. */
export function digestSendAtMs(firstMergedAtMs: number, p: DigestPolicy): number {
  return firstMergedAtMs + p.windowS * 1000;
}
