// What the NOC board calls healthy or worth a warning. Settings, kept in one place so the
// board, its tests and the README agree.

export const COMPONENT_HEALTH = ["up", "down", "silent", "maintenance"] as const;
export type ComponentHealth = (typeof COMPONENT_HEALTH)[number];

export interface BoardPolicy {
  /** A component that sent nothing for this long is silent (agents push every 10 s). */
  silentAfterMs: number;
  /** Failed notifications (outbox rows in state failed) newer than this are shown. */
  failedNotificationsWithinMs: number;
  /** A component that raised cap_reached this recently, or whose live series are at or
   * above `capWarnRatio` of its cap, is a cap warning. */
  capEventsWithinMs: number;
  capWarnRatio: number;
  /** Active incidents listed on the board (the rest are counted, not listed). */
  maxIncidents: number;
}

export const DEFAULT_BOARD_POLICY: BoardPolicy = {
  silentAfterMs: 5 * 60_000,
  failedNotificationsWithinMs: 7 * 86_400_000,
  capEventsWithinMs: 86_400_000,
  capWarnRatio: 0.9,
  maxIncidents: 2_000,
};

/**
 * Down: the component has an unsuppressed unresolved incident that says it is down — an
 * absence rule fired (no data) or the incident is critical. Warnings do not make a VM "down".
 */
export const DOWN_INCIDENT_SQL = `(i.rule_kind = 'absence_component' OR i.severity = 'critical')`;
