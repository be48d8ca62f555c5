// The incident engine's own metrics for /metrics and the Grafana incidents dashboard.
import { Counter, Histogram, type Registry } from "prom-client";
import type { IncidentListener } from "./events.js";

export interface IncidentMetrics {
  listener: IncidentListener;
  /** Seconds from an alert's hand-off to its committed change. */
  observeApply: (seconds: number, what: "fire" | "clear") => void;
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
    help: "Alert handed to the incident engine → change committed",
    labelNames: ["what"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    listener: {
      afterCommit(change) {
        changes.inc({ kind: change.kind });
        if (change.kind === "opened") opened.inc({ severity: change.incident.severity });
      },
    },
    observeApply: (seconds, what) => apply.observe({ what }, seconds),
  };
}
