// The default rule pack (SPEC 4, issue #5), seeded as global rules keyed by packKey. Metric
// names are node_exporter's (checked against node_exporter 1.5), which both bundled
// collectors (Linux and Windows) also emit; CPU has a twin for windows_exporter. CPU is
// computed from the idle counter (1 − avg rate of idle seconds per CPU), as PromQL would.
import type { RuleSpec } from "./rule.js";

export type PackRule = Omit<RuleSpec, "id" | "contractId" | "componentId" | "enabled"> & {
  packKey: string;
};

const base = {
  divideBy: null,
  matchers: {},
  recoveryForSeconds: 0,
  absenceSeconds: null,
  counter: null,
  windowSeconds: null,
  aggregate: null,
  aggregateBy: [],
  complement: false,
} as const;

/** 1 − avg over the component's CPUs of rate(<idle counter>[2m]). */
const cpuBusy = {
  ...base,
  kind: "threshold",
  matchers: { mode: "idle" },
  counter: "rate",
  windowSeconds: 120,
  aggregate: "avg",
  complement: true,
  op: ">",
  threshold: 0.9,
  forSeconds: 300,
  recoveryThreshold: 0.8,
  recoveryForSeconds: 60,
  severity: "warning",
} as const;

export const DEFAULT_PACK: readonly PackRule[] = [
  { ...cpuBusy, packKey: "cpu_high", name: "CPU busy above 90%", metric: "node_cpu_seconds_total" },
  {
    ...cpuBusy,
    packKey: "cpu_high_windows",
    name: "CPU busy above 90% (Windows exporter)",
    metric: "windows_cpu_time_total",
  },
  {
    ...base,
    packKey: "memory_low",
    name: "Available memory below 10%",
    kind: "threshold",
    metric: "node_memory_MemAvailable_bytes",
    divideBy: "node_memory_MemTotal_bytes",
    op: "<",
    threshold: 0.1,
    forSeconds: 300,
    recoveryThreshold: 0.15,
    severity: "warning",
  },
  {
    ...base,
    packKey: "disk_full",
    name: "Filesystem space below 10%",
    kind: "threshold",
    metric: "node_filesystem_avail_bytes",
    divideBy: "node_filesystem_size_bytes",
    op: "<",
    threshold: 0.1,
    forSeconds: 60,
    recoveryThreshold: 0.12,
    severity: "critical",
  },
  {
    ...base,
    packKey: "agent_silent",
    name: "Agent silent",
    kind: "absence_component",
    metric: null,
    op: null,
    threshold: null,
    forSeconds: 0,
    recoveryThreshold: null,
    absenceSeconds: 120,
    severity: "critical",
  },
];
