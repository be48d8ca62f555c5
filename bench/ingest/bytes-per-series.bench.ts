// ingest.bytes_per_series: memory per active series holding a 1 h window at 10 s resolution,
// everything included (labels, index, per-series state, rollup state, compressed chunks).
// Fills 100,000 node_exporter-like series (1,000 components x 100) with 360 samples each
// through the real pipeline, then measures the heap + external (typed arrays) delta after gc.
// Two fills: JSON batches from the bundled agent and Prometheus remote_write under a
// contract token (25,000 series; also keeps raw label bytes); the value is the worse one.
// Run: node --expose-gc --import tsx bench/ingest/bytes-per-series.bench.ts
import { IngestPipeline, type IngestContext } from "../../src/ingest/ingest-pipeline.js";
import {
  WriteRequestEncoder,
  type EncodableSeries,
} from "../../src/ingest/remote-write-encoder.js";
import { snappyCompress } from "../../src/ingest/snappy.js";
import { isMain, nodeExporterSeries, type SeriesSpec } from "./fixtures.js";
import { collectGarbage, print, round3, type BenchLine } from "./harness.js";

export interface BytesBenchOptions {
  components?: number;
  samplesPerSeries?: number;
  formats?: Array<"json" | "remote_write">;
}

const T0 = 1_767_225_600_000;

function heapBytes(): number {
  for (let i = 0; i < 3; i++) collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

type Push = (pipeline: IngestPipeline, step: number, t: number) => number;

function jsonFill(components: number): Push {
  const specs: SeriesSpec[][] = Array.from({ length: components }, (_, c) =>
    nodeExporterSeries(c, false),
  );
  const batch = (c: number, t: number) => ({
    version: 1,
    agent: { name: "msp-agent", version: "1.0.0" },
    os: "linux",
    host: `vm-${c}`,
    series: specs[c]!.map((s) => {
      const { __name__, ...labels } = s.labels;
      return { name: __name__!, labels, samples: [[t, s.next()]] };
    }),
  });
  return (pipeline, step, t) => {
    let accepted = 0;
    for (let c = 0; c < components; c++) {
      // The first push goes through JSON text so the stored label strings are the
      // collector's own (not shared with this bench's fixtures).
      const b = step === 0 ? JSON.stringify(batch(c, t)) : batch(c, t);
      accepted += pipeline.ingestJsonBatch(
        { kind: "component", componentId: `comp-${c}`, cap: 200 },
        b,
        t + 500,
      ).acceptedSamples;
    }
    return accepted;
  };
}

function remoteWriteFill(components: number): Push {
  const specs: SeriesSpec[] = [];
  const targets = new Map<string, { componentId: string; cap: number }>();
  for (let c = 0; c < components; c++) {
    specs.push(...nodeExporterSeries(c, true));
    targets.set(`vm-${String(c).padStart(5, "0")}:9100`, { componentId: `comp-${c}`, cap: 200 });
  }
  const sorted = (l: Record<string, string>) =>
    Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));
  const perPush = 2000; // Prometheus' default max_samples_per_send
  const series: EncodableSeries[] = specs.map((s, i) => ({
    labels: sorted(s.labels),
    samples: [i % perPush],
  }));
  const encoder = new WriteRequestEncoder({ cacheLabels: true });
  const ts = new Float64Array(perPush);
  const values = new Float64Array(perPush);
  const ctx: IngestContext = {
    kind: "contract",
    contractId: "bench",
    resolveComponent: (i) => targets.get(i),
  };
  // Fill the encoder's label cache now, so its memory is not counted as the collector's.
  for (let from = 0; from < specs.length; from += perPush)
    encoder.encode(series.slice(from, from + perPush), ts, values);
  return (pipeline, _step, t) => {
    let accepted = 0;
    ts.fill(t);
    for (let from = 0; from < specs.length; from += perPush) {
      for (let i = from; i < Math.min(from + perPush, specs.length); i++)
        values[i - from] = specs[i]!.next();
      const body = snappyCompress(encoder.encode(series.slice(from, from + perPush), ts, values));
      accepted += pipeline.ingestRemoteWrite(ctx, body, t + 500).acceptedSamples;
    }
    return accepted;
  };
}

function measure(
  format: "json" | "remote_write",
  components: number,
  steps: number,
): Record<string, number> {
  const push = format === "json" ? jsonFill(components) : remoteWriteFill(components);
  const before = heapBytes();
  const pipeline = new IngestPipeline();
  let accepted = 0;
  for (let k = 0; k < steps; k++) {
    const t = T0 + k * 10_000;
    accepted += push(pipeline, k, t);
    if (k % 6 === 5) pipeline.drainRollups(t); // the batch writer drains every minute
  }
  const core = pipeline.core;
  const series = core.store.size;
  if (accepted !== series * steps) throw new Error(`accepted ${accepted} of ${series * steps}`);
  // Region tails no page was carved from yet are address space, not memory (decision 0024).
  const after = heapBytes() - core.store.codec.pool.uncarvedBytes - core.raw.uncarvedBytes;
  const codec = core.store.codec;
  const per = (bytes: number) => Math.round(bytes / series);
  return {
    bytesPerSeries: per(after - before),
    series,
    chunkBytesPerSeries: per(codec.bytesInUse),
    bitsPerSample: round3((codec.bytesInUse * 8) / (series * steps)),
    typedArrayBytesPerSeries: per(
      core.store.byteLength - codec.pool.byteLength + core.rollups.byteLength,
    ),
    indexBytesPerSeries: per(core.index.byteLength),
    rawLabelBytesPerSeries: per(core.raw.byteLength),
  };
}

export function main(opts: BytesBenchOptions = {}): Promise<BenchLine[]> {
  const components = opts.components ?? 1000;
  const steps = opts.samplesPerSeries ?? 360;
  const formats = opts.formats ?? ["json", "remote_write"];
  // The remote_write fill runs at a quarter of the scale to keep the bench short; the figure
  // is per series and the index/arrays keep the same load factors at that size.
  const results = Object.fromEntries(
    formats.map((f) => [f, measure(f, f === "json" ? components : components / 4, steps)]),
  );
  // The headline is the worse of the two fills.
  const worst = Math.max(...Object.values(results).map((r) => r.bytesPerSeries!));
  return Promise.resolve([
    {
      bench: "ingest.bytes_per_series",
      value: worst,
      unit: "bytes",
      samplesPerSeries: steps,
      ...Object.fromEntries(Object.entries(results).map(([f, r]) => [f, r])),
    },
  ]);
}

if (isMain(import.meta.url)) print(await main());
