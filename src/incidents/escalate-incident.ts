import type { Actor } from "../access/actor.js";
import { escalationStep } from "../domain/incidents/escalation.js";
import type { Tier } from "../domain/incidents/routing.js";
import { AppError } from "../shared/errors.js";
import type { IncidentDeps } from "./incident-tx.js";
import { pageLevel } from "./page-oncall.js";
import { needsHuman } from "./route-incident.js";
import { assertTransition, withIncident } from "./verb-support.js";

/** Manual escalation to the next step of the ladder (second line where the plan allows). */
export function escalateIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note?: string | undefined },
) {
  return withIncident(deps, actor, id, "escalate", async (tx, incident, at, changes) => {
    assertTransition(incident, "escalate");
    if (!needsHuman(incident.tier)) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `a ${incident.tier ?? "unrouted"} incident has no on-call response to escalate to`,
      );
    }
    const next = incident.escalationLevel + 1;
    if (!escalationStep(incident.tier as Tier, next)) {
      throw new AppError("PRECONDITION_FAILED", "the plan allows no further escalation");
    }
    incident.version += 1;
    return pageLevel(deps, tx, incident, next, at, changes, actor, input.note ?? null);
  });
}
