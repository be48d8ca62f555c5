// The contract's other services (SPEC 6.2, `service` scope): monthly lines with their own fee.
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { AppError, conflict } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { auditCreated } from "./audited.js";
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
  deps: BillingDeps,
  actor: Actor,
  contractId: string,
  input: z.infer<typeof NewServiceFee>,
  now: Date,
) {
  const issues = untilProblem(input.fromMonth, input.untilMonth);
  if (issues.length > 0) throw new AppError("VALIDATION", "invalid service fee", issues);
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    await store.contract(tx, { kind: "all" }, contractId);
    const row = await store.addServiceFee(tx, { ...input, contractId, createdBy: actor.userId });
    const view = toServiceFeeView(row);
    await auditCreated(
      store,
      tx,
      { actor, at: now, action: "service_fee.add" },
      row.id,
      contractId,
      view,
    );
    return view;
  });
}

/** Ends a fee after `untilMonth` (a price change ends one row and adds another). */
export async function endServiceFee(
  deps: BillingDeps,
  actor: Actor,
  id: string,
  input: z.infer<typeof ServiceFeeEnd>,
  now: Date,
) {
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const row = await store.serviceFee(tx, id);
    if (row.untilMonth !== null) throw conflict(`service fee already ends after ${row.untilMonth}`);
    const issues = untilProblem(row.fromMonth, input.untilMonth);
    if (issues.length > 0) throw new AppError("VALIDATION", "invalid service fee end", issues);
    const before = toServiceFeeView(row);
    row.untilMonth = input.untilMonth;
    const after = toServiceFeeView(await store.saveServiceFee(tx, row));
    await store.audit(tx, {
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

/** A contract's service fees, oldest first; NOT_FOUND for a contract out of scope. */
export async function listServiceFees(deps: BillingDeps, scope: ContractScope, contractId: string) {
  await deps.store.contract(undefined, scope, contractId);
  return (await deps.store.serviceFeesOf(contractId)).map(toServiceFeeView);
}
