import type { Actor } from "../access/actor.js";
import { releasesQuota } from "../domain/incidents/lifecycle.js";
import type { IncidentDeps } from "./incident-tx.js";
import { transition, withIncident } from "./verb-support.js";

/**
 * Manual resolve with a reason. A false alarm closed before anyone acknowledged it gives
 * its quota unit back (SPEC 4).
 */
export function resolveIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { reason: string; falseAlarm?: boolean | undefined },
) {
  return withIncident(deps, actor, id, "resolve", async (tx, incident, at, changes) => {
    const falseAlarm = input.falseAlarm === true;
    const release =
      incident.countsQuota &&
      releasesQuota({ falseAlarm, acknowledged: incident.acknowledgedAt !== null });
    const after = await transition(deps, tx, incident, "resolve", {
      state: "resolved",
      resolvedAt: at,
      resolvedBy: actor.userId,
      resolution: falseAlarm ? "false_alarm" : "manual",
      resolveNote: input.reason,
      escalateAt: null,
      memberCount: 0,
      ...(release ? { countsQuota: false, overage: false } : {}),
    });
    if (release) await deps.quota.release(tx, after.id, at);
    // Its members leave with it: a key firing again reopens it or opens a new incident.
    await deps.incidents.clearAllMembers(tx, after.id, at);
    // An outage revealed by the incident is restored when the incident resolves.
    if (after.outageId) await deps.incidents.restoreOutage(tx, after.outageId, at);
    await changes.record(after, {
      kind: "resolved",
      at,
      actor,
      note: input.reason,
      data: { falseAlarm, quotaReleased: release },
    });
    return after;
  });
}
