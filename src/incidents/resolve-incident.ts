import type { Actor } from "../access/actor.js";
import { releasesQuota } from "../domain/incidents/lifecycle.js";
import { restoreOutage } from "./alert-intake.js";
import type { IncidentDeps } from "./incident-tx.js";
import { clearAllMembers, transition } from "./incident-store.js";
import { releaseQuotaUnit } from "./route-incident.js";
import { appendTimeline } from "./timeline.js";
import { withIncident } from "./verb-support.js";

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
  return withIncident(deps, actor, id, "resolve", async (m, incident, at, changes) => {
    const falseAlarm = input.falseAlarm === true;
    const release =
      incident.countsQuota &&
      releasesQuota({ falseAlarm, acknowledged: incident.acknowledgedAt !== null });
    const after = await transition(m, incident, "resolve", {
      state: "resolved",
      resolvedAt: at,
      resolvedBy: actor.userId,
      resolution: falseAlarm ? "false_alarm" : "manual",
      resolveNote: input.reason,
      escalateAt: null,
      memberCount: 0,
      ...(release ? { countsQuota: false, overage: false } : {}),
    });
    if (release) await releaseQuotaUnit(m, after, at);
    // Its members leave with it: a key firing again reopens it or opens a new incident.
    await clearAllMembers(m, after.id, at);
    await restoreOutage(m, after, at);
    changes.push(
      await appendTimeline(m, deps.hub, after, {
        kind: "resolved",
        at,
        actor,
        note: input.reason,
        data: { falseAlarm, quotaReleased: release },
      }),
    );
    return after;
  });
}
