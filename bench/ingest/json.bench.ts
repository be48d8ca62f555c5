// ingest.json: samples/s on one core for the bundled agent's JSON batches (one component,
// 100 node_exporter-like series, one sample each, as the agent sends every 10 s), including
// JSON.parse of the body text, the zod check of the outer shape, caps and the rule engine.
// Run: node --import tsx bench/ingest/json.bench.ts
import { IngestPipeline } from "../../src/ingest/ingest-pipeline.js";
import { isMain, nodeExporterSeries, type SeriesSpec } from "./fixtures.js";
import {
  print,
  benchRuleEngine,
  throughputLine,
  timeRun,
  type BenchLine,
  type RunTiming,
} from "./harness.js";

export interface JsonBenchOptions {
  runs?: number;
  roundsPerRun?: number;
  components?: number;
}

const T0 = 1_767_225_600_000;

export function main(opts: JsonBenchOptions = {}): Promise<BenchLine[]> {
  const runs = opts.runs ?? 5;
  const rounds = opts.roundsPerRun ?? 30;
  const components = opts.components ?? 100;
  const specs: SeriesSpec[][] = Array.from({ length: components }, (_, c) =>
    nodeExporterSeries(c, false),
  );
  let tick = 0;
  const round = (): Array<{ text: string; now: number }> => {
    const t = T0 + tick++ * 10_000;
    return specs.map((ss, c) => ({
      now: t + 500,
      text: JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "1.0.0" },
        os: "linux",
        host: `vm-${c}`,
        series: ss.map((s) => {
          const { __name__, ...labels } = s.labels;
          return { name: __name__, labels, samples: [[t, s.next()]] };
        }),
      }),
    }));
  };
  const hook = benchRuleEngine();
  const pipeline = new IngestPipeline({ rules: hook });
  const ctxs = specs.map((_, c) => ({
    kind: "component" as const,
    componentId: `comp-${c}`,
    cap: 200,
  }));
  const ingest = (bodies: Array<Array<{ text: string; now: number }>>) => {
    for (const r of bodies) {
      for (let c = 0; c < r.length; c++) {
        const res = pipeline.ingestJsonBatch(ctxs[c]!, r[c]!.text, r[c]!.now);
        if (res.acceptedSamples !== 100)
          throw new Error(`unexpected result ${JSON.stringify(res)}`);
      }
    }
  };
  ingest(Array.from({ length: 10 }, round)); // creates the series, warms up the JIT
  const timings: RunTiming[] = [];
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const bodies = Array.from({ length: rounds }, round);
    bytes = bodies[0]![0]!.text.length;
    timings.push(timeRun(() => ingest(bodies)));
  }
  return Promise.resolve([
    throughputLine("ingest.json", rounds * components * 100, timings, {
      payload: `${components} components x 1 batch of 100 series x 1 sample per round`,
      bytesPerBatch: bytes,
    }),
  ]);
}

if (isMain(import.meta.url)) print(await main());
