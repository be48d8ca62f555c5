import type { Actor } from "../access/actor.js";
import { reopenedFields } from "./alert-intake.js";
import type { IncidentDeps } from "./incident-tx.js";
import { transition } from "./incident-store.js";
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
    const clash = await m
      .createQueryBuilder(IncidentEntity, "i")
      .where(
        "i.component_id = :c AND i.rule_id = :r AND i.labels_key = :l AND i.state <> 'resolved'",
        {
          c: incident.componentId,
          r: incident.ruleId,
          l: incident.labelsKey,
        },
      )
      .getExists();
    if (clash && incident.componentId && incident.ruleId) {
      throw conflict("a newer incident of the same rule and component is open");
    }
    const fields = reopenedFields(incident, at);
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
