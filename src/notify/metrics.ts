// The notification worker's own metrics on the platform registry: queue depth by state
// (counted from the outbox in the background, at most every 5 s: a scrape never waits on the
// database, decision 0014), send latency by channel, failures by reason.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

const DEPTH_EVERY_MS = 5_000;

export class NotifyMetrics {
  readonly sendSeconds: Histogram<"channel">;
  readonly failures: Counter<"channel" | "reason">;

  constructor(registry: Registry, depth: () => Promise<Map<string, number>>) {
    let counts = new Map<string, number>();
    let countedAt = -Infinity;
    let refreshing = false;
    new Gauge({
      name: "notify_queue_depth",
      help: "Outbox messages by state (queued, sending, failed)",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const now = performance.now();
        if (!refreshing && now - countedAt >= DEPTH_EVERY_MS) {
          refreshing = true;
          depth()
            .then((c) => {
              counts = c;
              countedAt = now;
            })
            .catch(() => undefined)
            .finally(() => (refreshing = false));
        }
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
