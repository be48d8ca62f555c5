// Shared bench plumbing: the real rule engine as the hook, timing of runs (wall and CPU), JSON lines.
import v8 from "node:v8";
import vm from "node:vm";
import { DEFAULT_PACK } from "../../src/domain/rules/default-pack.js";
import type { AlertSink } from "../../src/incidents/alerts.js";
import { RuleEngine, type DirectoryEntry } from "../../src/rules/rule-engine.js";
import { median } from "./fixtures.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** Every bench component belongs to one active contract. */
class BenchDirectory extends Map<string, DirectoryEntry> {
  override get(): DirectoryEntry {
    return { contractId: "bench", eligible: true };
  }
}

/**
 * The real rule engine with the default pack (CPU, memory, disk per filesystem, agent
 * silent) bound to every component: what the collector runs, minus the incident commits.
 */
export function benchRuleEngine(): RuleEngine & { alerts: number } {
  let alerts = 0;
  const sink: AlertSink = { fire: () => void alerts++, clear: () => undefined };
  const engine = new RuleEngine({ sink });
  const rules = DEFAULT_PACK.map((p) => ({
    ...p,
    id: p.packKey,
    contractId: null,
    componentId: null,
    enabled: true,
  }));
  engine.load(rules, new BenchDirectory(), 0);
  return Object.defineProperty(engine, "alerts", { get: () => alerts }) as RuleEngine & {
    alerts: number;
  };
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
