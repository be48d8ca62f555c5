// Paging (SPEC 4): level 0 pages whoever is on first-line call; each escalation moves one
// step along the ladder of domain/incidents/escalation (next person, then second line where
// the plan allows). A step with nobody to page is skipped; past the last, paging stops.
import type { Actor } from "../access/actor.js";
import type { IncidentEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import { escalationStep } from "../domain/incidents/escalation.js";
import type { Tier } from "../domain/incidents/routing.js";
import { pageTargetAt } from "../domain/oncall/rotation.js";
import type { PageTarget } from "./events.js";
import type { Changes, IncidentDeps } from "./incident-tx.js";

export async function pageLevel(
  deps: Pick<IncidentDeps, "incidents" | "routing" | "settings">,
  tx: Tx,
  incident: IncidentEntity,
  fromLevel: number,
  at: Date,
  changes: Changes,
  actor: Actor | string,
  note: string | null = null,
): Promise<IncidentEntity> {
  const found = await findTarget(deps, tx, incident.tier as Tier, fromLevel, at);
  const kind = fromLevel === 0 ? "paged" : "escalated";
  if (!found) {
    incident.escalateAt = null;
    await deps.incidents.save(tx, incident);
    await changes.record(incident, {
      kind,
      at,
      actor,
      note: "nobody further to page",
      data: { level: fromLevel, target: null, reason: note },
      customerVisible: false,
    });
    return incident;
  }
  Object.assign(incident, {
    escalationLevel: found.level,
    assigneeId: found.target.userId,
    // Escalation timers live in the row, so they survive restarts (the timer job reads them).
    escalateAt:
      incident.state === "open" ? new Date(at.getTime() + deps.settings.escalationAfterMs) : null,
  });
  await deps.incidents.save(tx, incident);
  await changes.record(incident, {
    kind,
    at,
    actor,
    note,
    data: { level: found.level, line: found.target.line, target: found.target.displayName },
    customerVisible: false,
    page: found.target,
  });
  return incident;
}

async function findTarget(
  deps: Pick<IncidentDeps, "routing">,
  tx: Tx,
  tier: Tier,
  fromLevel: number,
  at: Date,
): Promise<{ level: number; target: PageTarget } | null> {
  const { rotations, overrides } = await deps.routing.rotations(tx);
  for (let level = fromLevel; ; level++) {
    const step = escalationStep(tier, level);
    if (!step) return null;
    const userId = pageTargetAt(rotations, overrides, step.line, at.getTime(), step.step);
    if (!userId) continue;
    const user = await deps.routing.user(tx, userId);
    if (!user || user.disabledAt) continue;
    return {
      level,
      target: {
        userId,
        email: user.email,
        displayName: user.displayName,
        language: user.language,
        line: step.line,
        level,
      },
    };
  }
}
