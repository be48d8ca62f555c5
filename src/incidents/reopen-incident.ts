import type { Actor } from "../access/actor.js";
import { reopenedFields } from "./alert-intake.js";
import type { IncidentDeps } from "./incident-tx.js";
import { activeMembership, touchMembers, transition } from "./incident-store.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman, takeQuotaUnit } from "./route-incident.js";
import { appendTimeline } from "./timeline.js";
import { withIncident } from "./verb-support.js";
import { conflict } from "../shared/errors.js";
import { IncidentEntity } from "../db/entities/index.js";

/** Manual reopen: pages again; takes a quota unit only if a false-alarm close released it. */
export function reopenIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note: string },
) {
  return withIncident(deps, actor, id, "reopen", async (m, incident, at, changes) => {
    if (incident.componentId && incident.ruleId) {
      const lead = {
        componentId: incident.componentId,
        ruleId: incident.ruleId,
        labelsKey: incident.labelsKey,
      };
      const elsewhere = await activeMembership(m, lead);
      if (elsewhere !== null && elsewhere !== incident.id) {
        throw conflict("a newer incident of the same rule and component is open");
      }
      // Reopened by hand: its first member is taken to fail again.
      await touchMembers(m, [
        { incidentId: incident.id, key: lead, value: incident.value, atMs: at.getTime() },
      ]);
    }
    const fields = { ...reopenedFields(incident, at), memberCount: 1 };
    delete fields.version;
    let after = await transition(m, incident, "reopen", fields);
    changes.push(
      await appendTimeline(m, deps.hub, after, { kind: "reopened", at, actor, note: input.note }),
    );
    if (needsHuman(after.tier) && !after.suppressed) {
      const unit = await takeQuotaUnit(m, after, at);
      if (unit) after = await m.save(IncidentEntity, after);
      after = await pageLevel(m, deps, after, 0, at, changes, actor);
    }
    return after;
  });
}
