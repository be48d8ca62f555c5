import type { Actor } from "../access/actor.js";
import type { IncidentDeps } from "./incident-tx.js";
import { transition } from "./incident-store.js";
import { appendTimeline } from "./timeline.js";
import { withIncident } from "./verb-support.js";

/** Acknowledge stops escalation at once; a second acknowledge is a CONFLICT. */
export function acknowledgeIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note?: string | undefined },
) {
  return withIncident(deps, actor, id, "acknowledge", async (m, incident, at, changes) => {
    const after = await transition(m, incident, "acknowledge", {
      state: "acknowledged",
      acknowledgedAt: at,
      acknowledgedBy: actor.userId,
      escalateAt: null,
    });
    changes.push(
      await appendTimeline(m, deps.hub, after, {
        kind: "acknowledged",
        at,
        actor,
        note: input.note ?? null,
      }),
    );
    return after;
  });
}
