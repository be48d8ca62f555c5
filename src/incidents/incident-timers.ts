// The incident timers (a scheduler job every few seconds): pages not acknowledged in time
// escalate, and incidents held back by a maintenance window are routed once the window
// has ended if they are still failing (resolved ones never page). The timers live in the
// rows (escalate_at, suppressed), so a restart loses none of them.
import { IsNull, LessThanOrEqual, Not } from "typeorm";
import { IncidentEntity } from "../db/entities/index.js";
import { maintenanceAt } from "../maintenance/maintenance-store.js";
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
  const due = await deps.db.getRepository(IncidentEntity).find({
    where: { state: "open", escalateAt: LessThanOrEqual(now) },
    select: { id: true },
    order: { escalateAt: "ASC" },
    take: BATCH,
  });
  for (const { id } of due) {
    await incidentTx(deps, async (m, changes) => {
      // Re-read under the lock: an acknowledgement may have landed since the scan.
      const incident = await m.findOne(IncidentEntity, {
        where: { id, state: "open", escalateAt: LessThanOrEqual(now) },
        lock: { mode: "pessimistic_write" },
      });
      if (!incident) return;
      incident.version += 1;
      await pageLevel(
        m,
        deps,
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
  const held = await deps.db
    .getRepository(IncidentEntity)
    .createQueryBuilder("i")
    .innerJoin("contracts", "c", "c.id = i.contract_id")
    .where("i.state <> 'resolved' AND i.routed_at IS NULL")
    .andWhere("c.status = 'active' AND (c.suspended_from IS NULL OR c.suspended_from > :now)", {
      now,
    })
    .orderBy("i.opened_at", "ASC")
    .take(BATCH)
    .getMany();
  let routed = 0;
  for (const row of held) {
    if (!row.suppressed && now.getTime() - row.openedAt.getTime() < IN_FLIGHT_MS) continue;
    if (
      row.suppressed &&
      (await maintenanceAt(deps.db.manager, row.contractId, row.componentId, now))
    ) {
      continue;
    }
    await incidentTx(deps, async (m, changes) => {
      const incident = await m.findOne(IncidentEntity, {
        where: { id: row.id, routedAt: IsNull(), state: Not("resolved") },
        lock: { mode: "pessimistic_write" },
      });
      if (!incident) return;
      await routeIncidentNow(m, deps, incident, now, changes);
      routed++;
    });
  }
  return routed;
}
