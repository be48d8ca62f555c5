// Contract-scoped overrides of the default rule pack (same packKey) with short `for`
// durations, so a newcomer sees the first incident within 30 s instead of after the
// production defaults' minutes. Thresholds match what the simulated VMs breach.

export function demoRuleOverrides() {
  return [
    {
      packKey: "cpu_high",
      name: "CPU busy > 90 % (demo: for 10 s)",
      kind: "threshold",
      metric: "node_cpu_seconds_total",
      matchers: { mode: "idle" },
      counter: "rate",
      windowSeconds: 15,
      aggregate: "avg",
      complement: true,
      op: ">",
      threshold: 0.9,
      forSeconds: 10,
      recoveryThreshold: 0.75,
      recoveryForSeconds: 10,
      severity: "critical",
    },
    {
      packKey: "memory_low",
      name: "Available memory < 10 % (demo: for 15 s)",
      kind: "threshold",
      metric: "node_memory_MemAvailable_bytes",
      divideBy: "node_memory_MemTotal_bytes",
      op: "<",
      threshold: 0.1,
      forSeconds: 15,
      recoveryThreshold: 0.2,
      recoveryForSeconds: 10,
      severity: "warning",
    },
    {
      packKey: "disk_full",
      name: "Filesystem available < 10 % (demo: for 15 s)",
      kind: "threshold",
      metric: "node_filesystem_avail_bytes",
      divideBy: "node_filesystem_size_bytes",
      op: "<",
      threshold: 0.1,
      forSeconds: 15,
      recoveryThreshold: 0.15,
      recoveryForSeconds: 10,
      severity: "warning",
    },
    {
      packKey: "agent_silent",
      name: "Agent silent for 60 s (demo)",
      kind: "absence_component",
      absenceSeconds: 60,
      severity: "critical",
    },
  ];
}
