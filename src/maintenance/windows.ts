// Maintenance windows (issue 5): scheduled by NOC staff, admins, or the contract's own
// customer. Customers reach only their own contract (another's is "not found").
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import type { AuditLog } from "../audit/audit.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { windowProblems } from "../domain/maintenance/windows.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import type { MaintenanceStore } from "./maintenance.store.js";
import { Recurrence, toWindowView } from "./views.js";

export interface MaintenanceDeps {
  uow: UnitOfWork;
  maintenance: MaintenanceStore;
  audit: AuditLog;
}
const Instant = z.iso.datetime({ offset: true });

export const NewWindow = z.strictObject({
  componentId: z.uuid().nullable().default(null).describe("null: the whole contract"),
  startsAt: Instant,
  endsAt: Instant.describe("end of the first occurrence"),
  recurrence: Recurrence.default("none"),
  until: Instant.nullable()
    .default(null)
    .describe("recurring only: no occurrence starts at or after it"),
  reason: z.string().trim().min(1).max(2000),
});

export async function createWindow(
  deps: MaintenanceDeps,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  input: z.infer<typeof NewWindow>,
  now: Date,
) {
  const [startsAt, endsAt] = [new Date(input.startsAt), new Date(input.endsAt)];
  const until = input.until ? new Date(input.until) : null;
  const issues = windowProblems({
    startsAtMs: startsAt.getTime(),
    endsAtMs: endsAt.getTime(),
    recurrence: input.recurrence,
    untilMs: until?.getTime() ?? null,
  });
  const { maintenance } = deps;
  return deps.uow.transaction(async (tx) => {
    const contract = await maintenance.contract(scope, contractId, tx);
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    if (
      input.componentId &&
      !(await maintenance.componentExists(tx, contractId, input.componentId))
    )
      issues.push({ path: "componentId", message: "no such component in this contract" });
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid maintenance window", issues);
    const row = await maintenance.insert(tx, {
      ...input,
      contractId,
      startsAt,
      endsAt,
      until,
      createdBy: actor.userId,
    });
    const view = toWindowView(row, now);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "maintenance_window.create",
      entityType: "maintenance_window",
      entityId: row.id,
      contractId,
      before: null,
      after: view,
    });
    return view;
  });
}

export async function deleteWindow(
  deps: MaintenanceDeps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  now: Date,
) {
  await deps.uow.transaction(async (tx) => {
    const row = await deps.maintenance.find(scope, id, tx, { lock: true });
    if (!row) throw notFound("maintenance window");
    await deps.maintenance.delete(tx, id);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "maintenance_window.delete",
      entityType: "maintenance_window",
      entityId: id,
      contractId: row.contractId,
      before: toWindowView(row, now),
      after: null,
    });
  });
}

/** A contract's windows, latest first, each saying whether it is active at `now`. */
export async function listWindows(
  deps: { maintenance: MaintenanceStore },
  scope: ContractScope,
  contractId: string,
  page: { limit: number; offset: number },
  now: Date,
) {
  await deps.maintenance.contract(scope, contractId);
  const { rows, total } = await deps.maintenance.list(contractId, page);
  return { items: rows.map((w) => toWindowView(w, now)), total, ...page };
}
