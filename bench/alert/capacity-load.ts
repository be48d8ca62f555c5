// The ingest capacity load of bench/ingest/capacity.bench.ts, paced in real time against a
// running platform's pipeline: N components x 100 node_exporter series, each component
// pushing one JSON batch every 10 s, spread evenly over the 10 s (a slice every 20 ms).
// Bodies are JSON text, parsed by the pipeline as the HTTP path does.
import type { IngestPipeline } from "../../src/ingest/ingest-pipeline.js";
import { nodeExporterSeries, type SeriesSpec } from "../ingest/fixtures.js";

const ROUND_MS = 10_000;
const TICK_MS = 20;

export class CapacityLoad {
  accepted = 0;
  private readonly fixtures: SeriesSpec[][];
  private templates: string[] = [];
  private next = 0;
  private roundStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly componentIds: readonly string[],
  ) {
    // 100 distinct hosts reused across components keep the generator's own memory small.
    this.fixtures = Array.from({ length: 100 }, (_, c) => nodeExporterSeries(c, false));
  }

  /** One full round as fast as possible, yielding between slices: creates every series. */
  async fill(): Promise<void> {
    this.newRound(Date.now());
    while (this.next < this.componentIds.length) {
      this.push(500);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Paced rounds until stop(). */
  start(): void {
    this.newRound(Date.now());
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.roundStart >= ROUND_MS) this.newRound(now);
      const due = Math.ceil(
        (Math.min(now - this.roundStart, ROUND_MS) / ROUND_MS) * this.componentIds.length,
      );
      this.push(due - this.next);
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private newRound(now: number): void {
    // Fresh values per fixture host each round; the timestamp is filled in per push.
    this.templates = this.fixtures.map((series, c) =>
      JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "1.0.0" },
        os: "linux",
        host: `vm-${c}`,
        series: series.map((s) => {
          const { __name__, ...labels } = s.labels;
          return { name: __name__, labels, samples: [["__T__", s.next()]] };
        }),
      }).replaceAll('"__T__"', "__T__"),
    );
    this.roundStart = now;
    this.next = 0;
  }

  private push(count: number): void {
    const end = Math.min(this.componentIds.length, this.next + Math.max(0, count));
    for (; this.next < end; this.next++) {
      const now = Date.now();
      const body = this.templates[this.next % 100]!.replaceAll("__T__", String(now));
      const ctx = {
        kind: "component" as const,
        componentId: this.componentIds[this.next]!,
        cap: 200,
      };
      this.accepted += this.pipeline.ingestJsonBatch(ctx, body, now).acceptedSamples;
    }
  }
}
