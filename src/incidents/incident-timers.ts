// The incident timers (a scheduler job every few seconds): pages not acknowledged in time
// escalate, and incidents held back by a maintenance window are routed once the window
// has ended if they are still failing (resolved ones never page). The timers live in the
// rows (escalate_at, suppressed), so a restart loses none of them.
import { incidentTx, type IncidentDeps } from "./incident-tx.js";
import { pageLevel } from "./page-oncall.js";
import { routeIncidentNow } from "./route-incident.js";

const BATCH = 100;
/** An unrouted incident younger than this is still being routed by its own alert. */
const IN_FLIGHT_MS = 10_000;

export async function runIncidentTimers(deps: IncidentDeps, now: Date): Promise<number> {
  return (await escalateDue(deps, now)) + (await routeAfterMaintenance(deps, now));
}

async function escalateDue(deps: IncidentDeps, now: Date): Promise<number> {
  const due = await deps.incidents.escalationsDue(now, BATCH);
  for (const id of due) {
    await incidentTx(deps, async (tx, changes) => {
      // Re-read under the lock: an acknowledgement may have landed since the scan.
      const incident = await deps.incidents.lockEscalationDue(tx, id, now);
      if (!incident) return;
      incident.version += 1;
      await pageLevel(
        deps,
        tx,
        incident,
        incident.escalationLevel + 1,
        now,
        changes,
        "escalation timer",
        `not acknowledged within ${Math.round(deps.settings.escalationAfterMs / 60_000)} min`,
      );
    });
  }
  return due.length;
}

/**
 * Routes incidents not routed yet: held by a maintenance window that has ended, or left
 * unrouted by a crash between their two transactions (alert-intake.ts).
 */
async function routeAfterMaintenance(deps: IncidentDeps, now: Date): Promise<number> {
  // Only contracts served now: a suspended contract's held incidents wait for the lifting
  // and must not crowd the batch for everyone else.
  const held = await deps.incidents.unroutedOfServedContracts(now, BATCH);
  let routed = 0;
  for (const row of held) {
    if (!row.suppressed && now.getTime() - row.openedAt.getTime() < IN_FLIGHT_MS) continue;
    if (
      row.suppressed &&
      (await deps.routing.maintenanceAt(row.contractId, row.componentId, now))
    ) {
      continue;
    }
    await incidentTx(deps, async (tx, changes) => {
      const incident = await deps.incidents.lockUnrouted(tx, row.id, { held: true });
      if (!incident) return;
      await routeIncidentNow(deps, tx, incident, now, changes);
      routed++;
    });
  }
  return routed;
}
