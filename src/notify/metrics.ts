// The notification worker's own metrics on the platform registry: queue depth by state
// (read from the outbox at scrape time), send latency by channel, failures by reason.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class NotifyMetrics {
  readonly sendSeconds: Histogram<"channel">;
  readonly failures: Counter<"channel" | "reason">;

  constructor(registry: Registry, depth: () => Promise<Map<string, number>>) {
    new Gauge({
      name: "notify_queue_depth",
      help: "Outbox messages by state (queued, sending, failed)",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        const counts = await depth().catch(() => new Map<string, number>());
        for (const state of ["queued", "sending", "failed"])
          this.set({ state }, counts.get(state) ?? 0);
      },
    });
    this.sendSeconds = new Histogram({
      name: "notify_send_seconds",
      help: "Time to hand one message to its channel",
      labelNames: ["channel"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.failures = new Counter({
      name: "notify_failures_total",
      help: "Failed delivery attempts by channel and reason",
      labelNames: ["channel", "reason"] as const,
      registers: [registry],
    });
  }
}
