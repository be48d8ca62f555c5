import type { Actor } from "../access/actor.js";
import type { IncidentDeps } from "./incident-tx.js";
import { transition, withIncident } from "./verb-support.js";

/** Acknowledge stops escalation at once; a second acknowledge is a CONFLICT. */
export function acknowledgeIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note?: string | undefined },
) {
  return withIncident(deps, actor, id, "acknowledge", async (tx, incident, at, changes) => {
    const after = await transition(deps, tx, incident, "acknowledge", {
      state: "acknowledged",
      acknowledgedAt: at,
      acknowledgedBy: actor.userId,
      escalateAt: null,
    });
    await changes.record(after, { kind: "acknowledged", at, actor, note: input.note ?? null });
    return after;
  });
}
