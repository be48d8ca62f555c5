// Reads maintenance windows for the pure rules (src/domain/maintenance). The incident engine
// calls maintenanceAt inside its routing transaction, so it takes the caller's manager.
import type { EntityManager } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { MaintenanceWindowEntity } from "../db/entities/index.js";
import {
  activeWindow,
  type MaintenanceWindow,
  type Recurrence,
} from "../domain/maintenance/windows.js";
import { notFound } from "../shared/errors.js";

export const toWindow = (w: MaintenanceWindowEntity): MaintenanceWindow => ({
  id: w.id,
  contractId: w.contractId,
  componentId: w.componentId,
  startsAtMs: w.startsAt.getTime(),
  endsAtMs: w.endsAt.getTime(),
  recurrence: w.recurrence as Recurrence,
  untilMs: w.until?.getTime() ?? null,
});

/** The window suppressing pages for a component (or the whole contract) at `at`, if any. */
export async function maintenanceAt(
  m: EntityManager,
  contractId: string,
  componentId: string | null,
  at: Date,
): Promise<{ windowId: string; endsAt: Date } | null> {
  // Only windows that can cover `at`: started, and either recurring or not yet over.
  const rows = await m
    .createQueryBuilder(MaintenanceWindowEntity, "w")
    .where("w.contractId = :contractId", { contractId })
    .andWhere("(w.componentId IS NULL OR w.componentId = :componentId)", { componentId })
    .andWhere("w.startsAt <= :at", { at })
    .andWhere("(w.recurrence <> 'none' OR w.endsAt > :at)", { at })
    .andWhere("(w.until IS NULL OR w.until > :since)", {
      // an occurrence starting before `until` may still run at `at` (at most 28 days long)
      since: new Date(at.getTime() - 28 * 86_400_000),
    })
    .getMany();
  const found = activeWindow(rows.map(toWindow), componentId, at.getTime());
  return found && { windowId: found.window.id, endsAt: new Date(found.endMs) };
}

export async function getWindow(
  m: EntityManager,
  scope: ContractScope,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<MaintenanceWindowEntity> {
  const where = scope.kind === "all" ? { id } : { id, contractId: scope.contractId };
  const lock = opts.lock ? { lock: { mode: "pessimistic_write" as const } } : {};
  const row = await m.findOne(MaintenanceWindowEntity, { where, ...lock });
  if (!row) throw notFound("maintenance window");
  return row;
}
