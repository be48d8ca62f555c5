// ingest.capacity: 10,000 components x 100 series pushing every 10 s (1,000,000 active
// series, 100,000 samples/s) into one pipeline on one core. Each simulated 10 s round ingests
// every component's JSON batch (text, parsed here), runs the 10 s sweep, and every minute
// drains the rollups; the value is the CPU time a round takes divided by the 10 s it stands
// for (median over 6 rounds = 60 s of simulated time, after a round that creates the series).
// Run: node --import tsx bench/ingest/capacity.bench.ts
import { IngestPipeline } from "../../src/ingest/ingest-pipeline.js";
import { isMain, median, nodeExporterSeries, type SeriesSpec } from "./fixtures.js";
import {
  print,
  round3,
  benchRuleEngine,
  timeRun,
  type BenchLine,
  type RunTiming,
} from "./harness.js";

export interface CapacityBenchOptions {
  components?: number;
  rounds?: number;
}

const T0 = 1_767_225_600_000;
const ROUND_MS = 10_000;

export function main(opts: CapacityBenchOptions = {}): Promise<BenchLine[]> {
  const components = opts.components ?? 10_000;
  const rounds = opts.rounds ?? 6;
  // 100 distinct fixture hosts reused with different component ids keep setup memory small.
  const fixtures: SeriesSpec[][] = Array.from({ length: 100 }, (_, c) =>
    nodeExporterSeries(c, false),
  );
  const texts = (t: number): string[] =>
    Array.from({ length: components }, (_, c) =>
      JSON.stringify({
        version: 1,
        agent: { name: "msp-agent", version: "1.0.0" },
        os: "linux",
        host: `vm-${c}`,
        series: fixtures[c % 100]!.map((s) => {
          const { __name__, ...labels } = s.labels;
          return { name: __name__, labels, samples: [[t + (c % 1000), s.next()]] };
        }),
      }),
    );
  const pipeline = new IngestPipeline({ rules: benchRuleEngine() });
  const ctxs = Array.from({ length: components }, (_, c) => ({
    kind: "component" as const,
    componentId: `comp-${c}`,
    cap: 200,
  }));
  let accepted = 0;
  const round = (k: number, bodies: string[]) => {
    const t = T0 + k * ROUND_MS;
    for (let c = 0; c < components; c++)
      accepted += pipeline.ingestJsonBatch(ctxs[c]!, bodies[c]!, t + 2_000).acceptedSamples;
    pipeline.sweep(t + ROUND_MS);
    if (k % 6 === 5) pipeline.drainRollups(t);
  };
  round(0, texts(T0));
  const timings: RunTiming[] = [];
  for (let k = 1; k <= rounds; k++) {
    const bodies = texts(T0 + k * ROUND_MS);
    timings.push(timeRun(() => round(k, bodies)));
  }
  const expected = (rounds + 1) * components * 100;
  if (accepted !== expected) throw new Error(`accepted ${accepted} of ${expected}`);
  const share = timings.map((r) => r.cpuS / (ROUND_MS / 1000));
  return Promise.resolve([
    {
      bench: "ingest.capacity",
      value: round3(median(share) * 100),
      unit: "% of one core",
      runs: rounds,
      components,
      activeSeries: pipeline.core.store.size,
      samplesPerS: (components * 100) / (ROUND_MS / 1000),
      wallSPerRound: round3(median(timings.map((r) => r.wallS))),
      maxSharePercent: round3(Math.max(...share) * 100),
      format: "json (bundled agent), text parsed in the measured time",
    },
  ]);
}

if (isMain(import.meta.url)) print(await main());
