import type { Actor } from "../access/actor.js";
import type { IncidentDeps } from "./incident-tx.js";
import { withIncident } from "./verb-support.js";

/** A note on the timeline; customers' notes are always visible to them. */
export function annotateIncident(
  deps: IncidentDeps,
  actor: Actor,
  id: string,
  input: { note: string; customerVisible?: boolean | undefined },
) {
  return withIncident(deps, actor, id, "note", async (_tx, incident, at, changes) => {
    await changes.record(incident, {
      kind: "note",
      at,
      actor,
      note: input.note,
      customerVisible: actor.role === "customer" ? true : (input.customerVisible ?? false),
    });
    return incident;
  });
}
