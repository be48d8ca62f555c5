// The bounded hand-off from the rule engine (which runs inside ingest and must never wait)
// to the incident engine. Alerts are state, so the queue keeps one entry per alert key and
// coalesces what arrives for it (alert-decision.ts `coalesce`): a storm of repeats costs
// one entry, and a fire that clears before it is applied still opens and resolves.
import { coalesce, keyString, type AlertOp } from "../domain/incidents/alert-decision.js";
import type { Alert, AlertKey } from "./alerts.js";

export interface QueuedAlert {
  key: AlertKey;
  contractId: string | null;
  /** The latest fire's description (rule name, labels…); null for a key only cleared. */
  alert: Alert | null;
  ops: AlertOp[];
  /** When the oldest op still pending arrived (ms, the caller's clock): the queue's lag. */
  enqueuedAtMs: number;
}

export class AlertQueue {
  private readonly entries = new Map<string, QueuedAlert>();
  dropped = 0;

  constructor(private readonly maxKeys: number) {}

  get depth(): number {
    return this.entries.size;
  }

  /** Age of the oldest pending entry (0 when empty). */
  lagMs(nowMs: number): number {
    for (const e of this.entries.values()) return Math.max(0, nowMs - e.enqueuedAtMs);
    return 0;
  }

  /** False when the key is new and the queue is full (counted in `dropped`). */
  push(key: AlertKey, op: AlertOp, alert: Alert | null, nowMs: number): boolean {
    const k = keyString(key);
    const known = this.entries.get(k);
    if (known) {
      known.ops = coalesce(known.ops, op);
      if (alert) {
        known.alert = alert;
        known.contractId = alert.contractId;
      }
      return true;
    }
    if (this.entries.size >= this.maxKeys) {
      this.dropped++;
      return false;
    }
    this.entries.set(k, {
      key: { componentId: key.componentId, ruleId: key.ruleId, labelsKey: key.labelsKey },
      contractId: alert?.contractId ?? null,
      alert,
      ops: [op],
      enqueuedAtMs: nowMs,
    });
    return true;
  }

  /** Removes and returns up to `n` entries, oldest first. */
  take(n: number): QueuedAlert[] {
    const out: QueuedAlert[] = [];
    for (const [k, e] of this.entries) {
      if (out.length >= n) break;
      this.entries.delete(k);
      out.push(e);
    }
    return out;
  }

  /** Puts back a batch that could not be applied, before anything newer of the same keys. */
  requeue(batch: readonly QueuedAlert[]): void {
    const newer = new Map(this.entries);
    this.entries.clear();
    for (const e of batch) this.entries.set(keyString(e.key), e);
    for (const [k, e] of newer) {
      const old = this.entries.get(k);
      if (!old) {
        this.entries.set(k, e);
        continue;
      }
      let ops = old.ops;
      for (const op of e.ops) ops = coalesce(ops, op);
      this.entries.set(k, {
        ...old,
        ops,
        alert: e.alert ?? old.alert,
        contractId: e.contractId ?? old.contractId,
      });
    }
  }
}
