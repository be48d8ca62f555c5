// Maintenance windows (issue 5): scheduled by NOC staff, admins, or the contract's own
// customer. Customers reach only their own contract (another's is "not found").
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { getContract } from "../contracts/scoped.js";
import { ComponentEntity, MaintenanceWindowEntity } from "../db/entities/index.js";
import { windowProblems } from "../domain/maintenance/windows.js";
import { AppError, conflict } from "../shared/errors.js";
import { getWindow } from "./maintenance-store.js";
import { Recurrence, toWindowView } from "./views.js";

type Deps = { db: DataSource };
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
  deps: Deps,
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
  return deps.db.transaction(async (tx) => {
    const contract = await getContract(tx, scope, contractId);
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    if (
      input.componentId &&
      !(await tx.existsBy(ComponentEntity, { id: input.componentId, contractId }))
    )
      issues.push({ path: "componentId", message: "no such component in this contract" });
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid maintenance window", issues);
    const row = await tx.save(
      tx.create(MaintenanceWindowEntity, {
        ...input,
        contractId,
        startsAt,
        endsAt,
        until,
        createdBy: actor.userId,
      }),
    );
    const view = toWindowView(row, now);
    await recordAudit(tx, {
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
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  now: Date,
) {
  await deps.db.transaction(async (tx) => {
    const row = await getWindow(tx, scope, id, { lock: true });
    await tx.delete(MaintenanceWindowEntity, { id });
    await recordAudit(tx, {
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
