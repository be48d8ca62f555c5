import type { Actor } from "../access/actor.js";
import { conflict } from "../shared/errors.js";
import type { IncidentDeps } from "./incident-tx.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman, takeQuotaUnit } from "./route-incident.js";
import { reopenedFields, transition, withIncident } from "./verb-support.js";

/** Manual reopen: pages again; takes a quota unit only if a false-alarm close released it. */
export function reopenIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note: string },
) {
  return withIncident(deps, actor, id, "reopen", async (tx, incident, at, changes) => {
    if (incident.componentId && incident.ruleId) {
      const lead = {
        componentId: incident.componentId,
        ruleId: incident.ruleId,
        labelsKey: incident.labelsKey,
      };
      const elsewhere = await deps.incidents.activeMembership(tx, lead);
      if (elsewhere !== null && elsewhere !== incident.id) {
        throw conflict("a newer incident of the same rule and component is open");
      }
      // Reopened by hand: its first member is taken to fail again.
      await deps.incidents.touchMember(tx, incident.id, lead, incident.value, at);
    }
    const fields = { ...reopenedFields(incident, at), memberCount: 1 };
    delete fields.version;
    let after = await transition(deps, tx, incident, "reopen", fields);
    await changes.record(after, { kind: "reopened", at, actor, note: input.note });
    if (needsHuman(after.tier) && !after.suppressed) {
      const unit = await takeQuotaUnit(deps, tx, after, at);
      if (unit) after = await deps.incidents.save(tx, after);
      after = await pageLevel(deps, tx, after, 0, at, changes, actor);
    }
    return after;
  });
}
