// The default rule pack (SPEC 4, issue #5), seeded as global rules keyed by packKey. Metric
// names are node_exporter's, which both bundled collectors (Linux and Windows) emit.
import type { RuleSpec } from "./rule.js";

export type PackRule = Omit<RuleSpec, "id" | "contractId" | "componentId" | "enabled"> & {
  packKey: string;
};

const base = {
  divideBy: null,
  matchers: {},
  recoveryForSeconds: 0,
  absenceSeconds: null,
} as const;

export const DEFAULT_PACK: readonly PackRule[] = [
  {
    ...base,
    packKey: "cpu_high",
    name: "CPU busy above 90%",
    kind: "threshold",
    metric: "node_cpu_busy_ratio",
    op: ">",
    threshold: 0.9,
    forSeconds: 300,
    recoveryThreshold: 0.8,
    recoveryForSeconds: 60,
    severity: "warning",
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
