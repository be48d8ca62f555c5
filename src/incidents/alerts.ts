// The hand-off between the rule engine (src/rules) and the incident engine: the engine says
// a condition started or cleared; the incident engine opens, joins, reopens or resolves.
// Calls return at once (the sink queues and commits asynchronously, in order per key).

export interface AlertKey {
  componentId: string;
  ruleId: string;
  /** Canonical `k=v,…` (sorted, without __name__) of the series; "" for component-wide. */
  labelsKey: string;
}

export interface Alert extends AlertKey {
  contractId: string;
  ruleName: string;
  /** threshold | absence_component | absence_series */
  ruleKind: string;
  severity: string;
  metric: string | null;
  labels: Record<string, string>;
  value: number | null;
  threshold: number | null;
  /** When the condition was met (ms since epoch): the breaching sample's time. */
  atMs: number;
}

export interface AlertSink {
  /** The condition holds (after its `for`); repeated calls while it holds are repeats. */
  fire(alert: Alert): void;
  /** The condition cleared (after recovery hysteresis). */
  clear(key: AlertKey, atMs: number): void;
}
