// Shared bench plumbing: a rule-engine-like hook, timing of runs (wall and CPU), JSON lines.
import v8 from "node:v8";
import vm from "node:vm";
import type { SampleHook } from "../../src/ingest/ingest-pipeline.js";
import type { Labels, Series } from "../../src/ingest/series-store.js";
import { median } from "./fixtures.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/**
 * Stands in for the rule engine: keeps per-series state in the series' ruleState slot and
 * compares each sample with a threshold, which is the cheap work a real hook does per sample.
 */
export class ThresholdHook implements SampleHook {
  breaches = 0;
  samples = 0;
  onSample(
    _componentId: string,
    series: Series,
    _labels: Labels,
    _ts: number,
    value: number,
  ): void {
    let st = series.ruleState as { last: number } | undefined;
    if (st === undefined) series.ruleState = st = { last: value };
    if (value > 1e15 && st.last <= 1e15) this.breaches++;
    st.last = value;
    this.samples++;
  }
}

export interface RunTiming {
  wallS: number;
  cpuS: number;
}

// Without --expose-gc (e.g. called from a runner), the flag is set at run time instead.
let gcFn: (() => void) | undefined;
export function collectGarbage(): void {
  gcFn ??=
    (globalThis as { gc?: () => void }).gc ??
    (v8.setFlagsFromString("--expose-gc"), vm.runInNewContext("gc") as () => void);
  gcFn();
}

/** Times `fn`; the bench's own garbage (payload generation) is collected first, untimed. */
export function timeRun(fn: () => void): RunTiming {
  collectGarbage();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wallS, cpuS: (c.user + c.system) / 1e6 };
}

/** Median throughput and CPU cost over runs that each processed `samples` samples. */
export function throughputLine(
  bench: string,
  samples: number,
  runs: RunTiming[],
  extra: Record<string, unknown> = {},
): BenchLine {
  return {
    bench,
    value: Math.round(median(runs.map((r) => samples / r.wallS))),
    unit: "samples/s",
    runs: runs.length,
    cpuSPerMillion: round3(median(runs.map((r) => (r.cpuS / samples) * 1e6))),
    samplesPerRun: samples,
    ...extra,
  };
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function print(lines: BenchLine[]): void {
  for (const l of lines) console.log(JSON.stringify(l));
}
