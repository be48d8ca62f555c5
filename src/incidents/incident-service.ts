// The incident engine's entry point: the rule engine's AlertSink (fire/clear return at
// once; work is queued per alert key so one key's changes commit in order while different
// keys proceed in parallel), plus the manual verbs and the timers.
import type { Logger } from "pino";
import type { Actor } from "../access/actor.js";
import type { IncidentEntity } from "../db/entities/index.js";
import { acknowledgeIncident } from "./acknowledge-incident.js";
import type { Alert, AlertKey, AlertSink } from "./alerts.js";
import { processClear, processFire } from "./alert-intake.js";
import { annotateIncident } from "./annotate-incident.js";
import { declareOutage } from "./declare-outage.js";
import { escalateIncident } from "./escalate-incident.js";
import type { IncidentDeps } from "./incident-tx.js";
import { runIncidentTimers } from "./incident-timers.js";
import { reopenIncident } from "./reopen-incident.js";
import { resolveIncident } from "./resolve-incident.js";

const keyOf = (k: AlertKey) => `${k.componentId}|${k.ruleId}|${k.labelsKey}`;
const RETRIES = 3;

export class IncidentService implements AlertSink {
  private readonly queues = new Map<string, Promise<void>>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly deps: IncidentDeps,
    private readonly log?: Logger,
    private readonly observe?: (seconds: number, what: "fire" | "clear") => void,
  ) {}

  fire(alert: Alert): void {
    const start = performance.now();
    this.enqueue(alert, () =>
      processFire(this.deps, alert).then(() => this.observed(start, "fire")),
    );
  }

  clear(key: AlertKey, atMs: number): void {
    const start = performance.now();
    this.enqueue(key, () =>
      processClear(this.deps, key, atMs).then(() => this.observed(start, "clear")),
    );
  }

  private observed(start: number, what: "fire" | "clear"): void {
    this.observe?.((performance.now() - start) / 1000, what);
  }

  /** Resolves once every queued alert has committed (tests, graceful stop). */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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

  private enqueue(key: AlertKey, work: () => Promise<void>): void {
    const k = keyOf(key);
    this.pending++;
    const prev = this.queues.get(k) ?? Promise.resolve();
    const next = prev.then(() => this.attempt(work, 0)).finally(() => this.settle(k, next));
    this.queues.set(k, next);
  }

  private async attempt(work: () => Promise<void>, tries: number): Promise<void> {
    try {
      await work();
    } catch (err) {
      // A unique-index race with another instance or a serialization failure: try again,
      // it then finds the other's incident and joins it.
      if (tries < RETRIES) return this.attempt(work, tries + 1);
      this.log?.error({ err }, "alert could not be applied to incidents");
    }
  }

  private settle(k: string, p: Promise<void>): void {
    if (this.queues.get(k) === p) this.queues.delete(k);
    if (--this.pending === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
