// The incident engine's entry point: the rule engine's AlertSink, plus the manual verbs and
// the timers. fire/clear return at once: they go to a bounded queue that keeps the latest
// state per alert key (alert-queue.ts), drained by one loop in batches of many alerts per
// transaction (alert-intake.ts), so a storm costs a few transactions and never more than
// one or two pooled connections: ingest never waits on the incident engine (decision 0014).
// A batch that fails is put back and retried with backoff until it applies.
import type { Logger } from "pino";
import type { Actor } from "../access/actor.js";
import type { IncidentEntity } from "../db/entities/index.js";
import { acknowledgeIncident } from "./acknowledge-incident.js";
import type { Alert, AlertKey, AlertSink } from "./alerts.js";
import { AlertQueue, type QueuedAlert } from "./alert-queue.js";
import { applyAlertBatch, routeOpened } from "./alert-intake.js";
import { annotateIncident } from "./annotate-incident.js";
import { declareOutage } from "./declare-outage.js";
import { escalateIncident } from "./escalate-incident.js";
import type { AlertIntakeDeps } from "./incident-tx.js";
import { runIncidentTimers } from "./incident-timers.js";
import { reopenIncident } from "./reopen-incident.js";
import { resolveIncident } from "./resolve-incident.js";

export interface AlertQueueOptions {
  /** Alert keys applied per transaction. */
  batchSize: number;
  /** Distinct keys waiting at most; beyond, new keys are dropped and counted. */
  maxKeys: number;
  /** Backoff after a failed batch: doubles from the first value up to the second. */
  retryMinMs: number;
  retryMaxMs: number;
}
export const DEFAULT_ALERT_QUEUE: AlertQueueOptions = {
  batchSize: 2_000,
  maxKeys: 1_000_000,
  retryMinMs: 200,
  retryMaxMs: 5_000,
};

export interface AlertPathObserver {
  /** Seconds from enqueue to commit, per applied batch (its oldest entry). */
  applied?: (seconds: number, alerts: number) => void;
  failed?: () => void;
}

export class IncidentService implements AlertSink {
  private readonly queue: AlertQueue;
  private draining: Promise<void> | null = null;
  private retryDelayMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    readonly deps: AlertIntakeDeps,
    private readonly log?: Logger,
    private readonly observe: AlertPathObserver = {},
    private readonly opts: AlertQueueOptions = DEFAULT_ALERT_QUEUE,
  ) {
    this.queue = new AlertQueue(opts.maxKeys);
  }

  fire(alert: Alert): void {
    const op = { kind: "fire", atMs: alert.atMs, value: alert.value, repeats: 0 } as const;
    this.push(alert, op, alert);
  }

  clear(key: AlertKey, atMs: number): void {
    this.push(key, { kind: "clear", atMs }, null);
  }

  /** Alert keys waiting to be applied, and the age of the oldest (metrics, silence fairness). */
  get queueDepth(): number {
    return this.queue.depth;
  }
  queueLagMs(): number {
    return this.queue.lagMs(performance.now());
  }
  get droppedAlerts(): number {
    return this.queue.dropped;
  }

  /** Resolves once every queued alert has committed and been routed (tests, graceful stop). */
  whenIdle(): Promise<void> {
    if (this.queue.depth === 0 && this.draining === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying (shutdown): what is still queued is re-raised by the rules after restart. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.wakeIdle();
  }

  private push(key: AlertKey, op: QueuedAlert["ops"][number], alert: Alert | null): void {
    if (!this.queue.push(key, op, alert, performance.now())) {
      this.log?.error({ key }, "alert queue full: alert dropped");
    }
    this.kick();
  }

  private kick(): void {
    if (this.draining !== null || this.retryTimer !== null || this.stopped) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.depth > 0 && this.retryTimer === null && !this.stopped) this.kick();
      else this.wakeIdle();
    });
  }

  private async drain(): Promise<void> {
    // Let the ingest pass that raised the alert finish first: its siblings join the batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.depth > 0 && !this.stopped) {
      const batch = this.queue.take(this.opts.batchSize);
      let opened: IncidentEntity[];
      try {
        opened = await applyAlertBatch(this.deps, batch);
      } catch (err) {
        this.queue.requeue(batch);
        this.observe.failed?.();
        this.retryDelayMs = Math.min(
          this.opts.retryMaxMs,
          Math.max(this.opts.retryMinMs, this.retryDelayMs * 2),
        );
        this.log?.error(
          { err, alerts: batch.length, retryInMs: this.retryDelayMs },
          "alerts could not be applied to incidents: retrying",
        );
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.kick();
        }, this.retryDelayMs);
        this.retryTimer.unref();
        return;
      }
      this.retryDelayMs = 0;
      const oldest = Math.min(...batch.map((b) => b.enqueuedAtMs));
      this.observe.applied?.((performance.now() - oldest) / 1000, batch.length);
      for (const incident of opened) {
        // A failed routing is the crash case, which the timers recover (incident-timers.ts).
        await routeOpened(this.deps, incident).catch((err: unknown) =>
          this.log?.warn({ err, incidentId: incident.id }, "routing failed: the timers retry it"),
        );
      }
    }
  }

  private wakeIdle(): void {
    if ((this.queue.depth > 0 && !this.stopped) || this.draining !== null) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  acknowledge = (actor: Actor, id: string, input: { note?: string | undefined } = {}) =>
    acknowledgeIncident(this.deps, actor, id, input);
  escalate = (actor: Actor, id: string, input: { note?: string | undefined } = {}) =>
    escalateIncident(this.deps, actor, id, input);
  resolve = (
    actor: Actor,
    id: string,
    input: { reason: string; falseAlarm?: boolean | undefined },
  ) => resolveIncident(this.deps, actor, id, input);
  reopen = (actor: Actor, id: string, input: { note: string }) =>
    reopenIncident(this.deps, actor, id, input);
  addNote = (
    actor: Actor,
    id: string,
    input: { note: string; customerVisible?: boolean | undefined },
  ) => annotateIncident(this.deps, actor, id, input);
  declareOutage = (
    actor: Actor,
    id: string,
    input: { scope: "managed" | "service"; description?: string | undefined },
  ): Promise<IncidentEntity> => declareOutage(this.deps, actor, id, input);

  runTimers = (now: Date) => runIncidentTimers(this.deps, now);
}
