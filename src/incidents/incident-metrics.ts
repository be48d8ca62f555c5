// The incident engine's own metrics for /metrics and the Grafana incidents dashboard.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { IncidentListener } from "./events.js";
import type { AlertPathObserver } from "./incident-service.js";

export interface IncidentMetrics {
  listener: IncidentListener;
  /** Batches applied (enqueue → commit) and failed. */
  observer: AlertPathObserver;
  /** Reads the queue's depth and lag at scrape time (in memory: no database query). */
  watchQueue: (q: { queueDepth: number; queueLagMs(): number; droppedAlerts: number }) => void;
}

export function incidentMetrics(registry: Registry): IncidentMetrics {
  const opened = new Counter({
    name: "incidents_opened_total",
    help: "Incidents opened, by severity",
    labelNames: ["severity"],
    registers: [registry],
  });
  const changes = new Counter({
    name: "incident_changes_total",
    help: "Incident timeline changes, by kind (routed, paged, escalated, acknowledged, …)",
    labelNames: ["kind"],
    registers: [registry],
  });
  const apply = new Histogram({
    name: "incident_alert_apply_seconds",
    help: "Alert handed to the incident engine → its batch committed (the batch's oldest alert)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchAlerts = new Counter({
    name: "incident_alerts_applied_total",
    help: "Alert keys applied to incidents (coalesced: repeats of a key while queued count once)",
    registers: [registry],
  });
  const failed = new Counter({
    name: "incident_alert_batches_failed_total",
    help: "Alert batches that could not be applied (put back and retried with backoff)",
    registers: [registry],
  });
  let queue: { queueDepth: number; queueLagMs(): number; droppedAlerts: number } | null = null;
  new Gauge({
    name: "incident_alert_queue_depth",
    help: "Alert keys waiting for the incident engine",
    registers: [registry],
    collect() {
      this.set(queue?.queueDepth ?? 0);
    },
  });
  new Gauge({
    name: "incident_alert_queue_lag_seconds",
    help: "Age of the oldest alert waiting for the incident engine",
    registers: [registry],
    collect() {
      this.set((queue?.queueLagMs() ?? 0) / 1000);
    },
  });
  new Gauge({
    name: "incident_alerts_dropped",
    help: "Alerts dropped because the queue was full (new keys only; known keys coalesce)",
    registers: [registry],
    collect() {
      this.set(queue?.droppedAlerts ?? 0);
    },
  });
  return {
    listener: {
      name: "incident metrics",
      afterCommit(change) {
        changes.inc({ kind: change.kind });
        if (change.kind === "opened") opened.inc({ severity: change.incident.severity });
      },
    },
    observer: {
      applied: (seconds, alerts) => {
        apply.observe(seconds);
        batchAlerts.inc(alerts);
      },
      failed: () => failed.inc(),
    },
    watchQueue: (q) => {
      queue = q;
    },
  };
}
