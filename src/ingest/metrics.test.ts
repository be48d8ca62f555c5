import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { IngestMetrics } from "./metrics.js";

describe(IngestMetrics.name, () => {
  it("counts samples by outcome and exports series per component as a distribution", async () => {
    const registry = new Registry();
    const fwd = {
      depth: 7,
      stats: {
        sentSamples: 10,
        requests: 1,
        retries: 0,
        droppedQueueFull: 2,
        droppedRejected: 0,
        droppedRetriesExhausted: 0,
      },
    };
    const m = new IngestMetrics(registry, {
      components: () => [
        { active: 5, cap: 200 },
        { active: 200, cap: 200 },
        { active: 150, cap: 400 },
      ],
      forwarder: fwd,
    });
    m.recordRequest(
      "remote_write",
      {
        acceptedSamples: 90,
        rejectedSamples: { too_old: 3, cap_exceeded: 7 },
        rejectedSeries: 7,
        cap: 200,
      },
      0.004,
    );
    m.recordFailure("json", "bad_json", 0.001);
    m.recordCapReached();
    const text = await registry.metrics();
    for (const line of [
      'collector_ingest_samples_accepted_total{format="remote_write"} 90',
      'collector_ingest_samples_rejected_total{format="remote_write",reason="too_old"} 3',
      'collector_ingest_samples_rejected_total{format="remote_write",reason="cap_exceeded"} 7',
      'collector_ingest_series_rejected_total{format="remote_write"} 7',
      'collector_ingest_requests_total{format="json",outcome="bad_json"} 1',
      'collector_ingest_request_duration_seconds_bucket{le="0.005",format="remote_write"} 1',
      "collector_active_series 355",
      'collector_components_by_active_series{le="10"} 1',
      'collector_components_by_active_series{le="100"} 1',
      'collector_components_by_active_series{le="200"} 3',
      'collector_components_by_active_series{le="+Inf"} 3',
      "collector_components_at_cap 1",
      "collector_cap_reached_total 1",
      "collector_forwarder_queue_depth 7",
      'collector_forwarder_samples_total{outcome="sent"} 10',
      'collector_forwarder_samples_total{outcome="dropped_queue_full"} 2',
    ]) {
      expect(text).toContain(line);
    }
    fwd.stats.sentSamples = 15;
    expect(await registry.metrics()).toContain(
      'collector_forwarder_samples_total{outcome="sent"} 15',
    );
  });
});
