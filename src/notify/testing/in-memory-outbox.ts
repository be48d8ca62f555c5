// An in-memory outbox for unit tests of the worker: the same claim, lease and fencing rules as
// outbox.store.ts's SQL (due queued rows and expired `sending` leases, oldest due first; an
// outcome is kept only while the claim it answers still holds), over a plain array.
import type { WorkerDeps } from "../worker.js";
import type { ClaimedMessage, NewOutboxMessage, Outcome } from "../outbox.store.js";

export interface MemoryRow extends ClaimedMessage {
  state: "queued" | "sending" | "sent" | "failed" | "skipped" | "merged";
  nextAttemptAt: Date;
  claimedAt: Date | null;
  providerId: string | null;
  lastError: string | null;
}

export function inMemoryOutbox(staffWebhooks: string[] = []) {
  const rows: MemoryRow[] = [];
  let seq = 0;
  const outbox: WorkerDeps["outbox"] = {
    enqueue(_tx, messages: readonly NewOutboxMessage[], now: Date) {
      const inserted: { id: string; key: string }[] = [];
      for (const m of messages) {
        if (rows.some((r) => r.idempotencyKey === m.key)) continue;
        const id = `m${++seq}`;
        rows.push({
          id,
          idempotencyKey: m.key,
          channel: m.channel,
          recipient: m.recipient,
          contractId: m.contractId,
          incidentId: m.incidentId,
          event: m.event,
          language: m.language,
          payload: m.payload,
          attempts: 0,
          queuedAt: now,
          state: m.state ?? "queued",
          nextAttemptAt: m.nextAttemptAt,
          claimedAt: null,
          providerId: null,
          lastError: null,
        });
        inserted.push({ id, key: m.key });
      }
      return Promise.resolve(inserted);
    },
    claimDue(now, leaseMs, limit) {
      const expired = now.getTime() - leaseMs;
      const due = rows
        .filter(
          (r) =>
            (r.state === "queued" && r.nextAttemptAt.getTime() <= now.getTime()) ||
            (r.state === "sending" && r.claimedAt !== null && r.claimedAt.getTime() < expired),
        )
        .sort(
          (a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || (a.id < b.id ? -1 : 1),
        )
        .slice(0, limit);
      for (const r of due)
        Object.assign(r, { state: "sending", claimedAt: now, attempts: r.attempts + 1 });
      return Promise.resolve(due.map((r) => ({ ...r, payload: { ...r.payload } })));
    },
    settle(results) {
      const kept = new Set<string>();
      for (const { msg, outcome } of results) {
        const r = rows.find((x) => x.id === msg.id);
        if (!r || r.state !== "sending" || r.attempts !== msg.attempts) continue;
        apply(r, outcome);
        r.claimedAt = null;
        kept.add(r.id);
      }
      return Promise.resolve(kept);
    },
    renewClaims(claims, now) {
      for (const c of claims) {
        const r = rows.find((x) => x.id === c.id);
        if (r && r.state === "sending" && r.attempts === c.attempts) r.claimedAt = now;
      }
      return Promise.resolve();
    },
    staffWebhookIds: () => Promise.resolve([...staffWebhooks]),
  };
  return { outbox, rows };
}

function apply(r: MemoryRow, o: Outcome): void {
  r.state = o.state;
  if (o.state === "sent") {
    r.providerId = o.providerId;
    r.lastError = null;
  } else {
    r.lastError = o.error;
    if (o.state === "queued") r.nextAttemptAt = o.nextAttemptAt;
  }
}
