// The collector's own metrics (prom-client, on the registry the caller gives). Series per
// component is exported as a distribution (how many components hold <= N active series)
// rather than a gauge per component: one label value per component would put 10,000+ series
// into the platform's own metrics - the very cardinality problem customers are capped for -
// and a top-N gauge churns its label values. Which component is full is an event
// (cap_reached) and a NOC query, not a time series.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { REJECT_REASONS, type RequestErrorReason } from "./errors.js";
import type { ForwarderStats } from "./forwarder.js";
import type { IngestResult } from "./ingest-contract.js";

export type IngestFormat = "remote_write" | "json";

export interface IngestMetricsSources {
  /** Active series and cap of every known component. */
  components(): Iterable<{ active: number; cap: number }>;
  forwarder?: { readonly depth: number; readonly stats: ForwarderStats };
}

const SERIES_BUCKETS = [10, 25, 50, 100, 200, 400, 800, 1600];

export class IngestMetrics {
  private readonly accepted: Counter<"format">;
  private readonly rejected: Counter<"format" | "reason">;
  private readonly rejectedSeries: Counter<"format">;
  private readonly requests: Counter<"format" | "outcome">;
  private readonly duration: Histogram<"format">;
  private readonly capReached: Counter;

  constructor(registry: Registry, sources: IngestMetricsSources) {
    const registers = [registry];
    this.accepted = new Counter({
      name: "collector_ingest_samples_accepted_total",
      help: "Samples accepted.",
      labelNames: ["format"],
      registers,
    });
    this.rejected = new Counter({
      name: "collector_ingest_samples_rejected_total",
      help: "Samples rejected, by reason.",
      labelNames: ["format", "reason"],
      registers,
    });
    this.rejectedSeries = new Counter({
      name: "collector_ingest_series_rejected_total",
      help: "New series refused because their component was at its cap.",
      labelNames: ["format"],
      registers,
    });
    this.requests = new Counter({
      name: "collector_ingest_requests_total",
      help: "Ingest requests, by outcome (ok or the reason the whole request failed).",
      labelNames: ["format", "outcome"],
      registers,
    });
    this.duration = new Histogram({
      name: "collector_ingest_request_duration_seconds",
      help: "Time to decode and ingest one request.",
      labelNames: ["format"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.capReached = new Counter({
      name: "collector_cap_reached_total",
      help: "cap_reached events raised.",
      registers,
    });
    new Gauge({
      name: "collector_active_series",
      help: "Active series (a sample within the staleness window).",
      registers,
      collect() {
        let n = 0;
        for (const c of sources.components()) n += c.active;
        this.set(n);
      },
    });
    new Gauge({
      name: "collector_components_by_active_series",
      help: "Components holding at most `le` active series (cumulative distribution).",
      labelNames: ["le"],
      registers,
      collect() {
        const counts = new Array<number>(SERIES_BUCKETS.length + 1).fill(0);
        for (const c of sources.components()) {
          const i = SERIES_BUCKETS.findIndex((b) => c.active <= b);
          counts[i < 0 ? SERIES_BUCKETS.length : i]!++;
        }
        let cum = 0;
        counts.forEach((n, i) =>
          this.set(
            { le: i < SERIES_BUCKETS.length ? String(SERIES_BUCKETS[i]) : "+Inf" },
            (cum += n),
          ),
        );
      },
    });
    new Gauge({
      name: "collector_components_at_cap",
      help: "Components whose active series reached their cap.",
      registers,
      collect() {
        let n = 0;
        for (const c of sources.components()) if (c.active >= c.cap) n++;
        this.set(n);
      },
    });
    const fwd = sources.forwarder;
    if (fwd !== undefined) this.forwarderMetrics(registers, fwd);
  }

  recordRequest(format: IngestFormat, result: IngestResult, durationS: number): void {
    this.accepted.inc({ format }, result.acceptedSamples);
    for (const reason of REJECT_REASONS) {
      const n = result.rejectedSamples[reason];
      if (n) this.rejected.inc({ format, reason }, n);
    }
    if (result.rejectedSeries > 0) this.rejectedSeries.inc({ format }, result.rejectedSeries);
    this.requests.inc({ format, outcome: "ok" });
    this.duration.observe({ format }, durationS);
  }

  recordFailure(format: IngestFormat, reason: RequestErrorReason, durationS: number): void {
    this.requests.inc({ format, outcome: reason });
    this.duration.observe({ format }, durationS);
  }

  /** Wire to IngestPipelineOptions.onCapReached (next to the NOC event). */
  recordCapReached(): void {
    this.capReached.inc();
  }

  private forwarderMetrics(
    registers: Registry[],
    fwd: NonNullable<IngestMetricsSources["forwarder"]>,
  ): void {
    new Gauge({
      name: "collector_forwarder_queue_depth",
      help: "Samples waiting to be forwarded by remote_write.",
      registers,
      collect() {
        this.set(fwd.depth);
      },
    });
    const seen: Record<string, number> = {};
    new Counter({
      name: "collector_forwarder_samples_total",
      help: "Forwarded samples, by outcome.",
      labelNames: ["outcome"],
      registers,
      collect() {
        const s = fwd.stats;
        const now: Record<string, number> = {
          sent: s.sentSamples,
          dropped_queue_full: s.droppedQueueFull,
          dropped_rejected: s.droppedRejected,
          dropped_retries_exhausted: s.droppedRetriesExhausted,
        };
        for (const [outcome, v] of Object.entries(now)) {
          if (v > (seen[outcome] ?? 0)) this.inc({ outcome }, v - (seen[outcome] ?? 0));
          seen[outcome] = v;
        }
      },
    });
  }
}
