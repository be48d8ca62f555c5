// The contract's other services (SPEC 6.2, `service` scope): monthly lines with their own fee.
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { getContract } from "../contracts/scoped.js";
import { ServiceFeeEntity } from "../db/entities/index.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import { toServiceFeeView, YearMonth } from "./views.js";

export const NewServiceFee = z.strictObject({
  name: z.string().trim().min(1).max(200),
  monthlyYen: z.int().min(0).max(10_000_000_000),
  fromMonth: YearMonth,
  untilMonth: YearMonth.nullable().default(null),
});
export const ServiceFeeEnd = z.strictObject({ untilMonth: YearMonth });

const untilProblem = (from: string, until: string | null) =>
  until !== null && until < from ? [{ path: "untilMonth", message: "is before fromMonth" }] : [];

export async function addServiceFee(
  deps: { db: DataSource },
  actor: Actor,
  contractId: string,
  input: z.infer<typeof NewServiceFee>,
  now: Date,
) {
  const issues = untilProblem(input.fromMonth, input.untilMonth);
  if (issues.length > 0) throw new AppError("VALIDATION", "invalid service fee", issues);
  return deps.db.transaction(async (tx) => {
    await getContract(tx, { kind: "all" }, contractId);
    const row = await tx.save(
      tx.create(ServiceFeeEntity, { ...input, contractId, createdBy: actor.userId }),
    );
    const view = toServiceFeeView(row);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "service_fee.add",
      entityType: "service_fee",
      entityId: row.id,
      contractId,
      before: null,
      after: view,
    });
    return view;
  });
}

/** Ends a fee after `untilMonth` (a price change ends one row and adds another). */
export async function endServiceFee(
  deps: { db: DataSource },
  actor: Actor,
  id: string,
  input: z.infer<typeof ServiceFeeEnd>,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const row = await tx.findOne(ServiceFeeEntity, {
      where: { id },
      lock: { mode: "pessimistic_write" },
    });
    if (!row) throw notFound("service fee");
    if (row.untilMonth !== null) throw conflict(`service fee already ends after ${row.untilMonth}`);
    const issues = untilProblem(row.fromMonth, input.untilMonth);
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid service fee end", issues);
    const before = toServiceFeeView(row);
    row.untilMonth = input.untilMonth;
    const after = toServiceFeeView(await tx.save(row));
    await recordAudit(tx, {
      actor,
      at: now,
      action: "service_fee.end",
      entityType: "service_fee",
      entityId: row.id,
      contractId: row.contractId,
      before,
      after,
    });
    return after;
  });
}
