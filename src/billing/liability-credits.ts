// Liability claims (Art. 21, SPEC 6.5): recorded by an admin, refused when claimed more than
// 30 days after the damage, credited by the close of the month two months after the damage.
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { claimDateProblem, creditMonth } from "../domain/billing/extras.js";
import { jstDateOf } from "../domain/time/jst.js";
import { AppError, type ErrorIssue } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { auditCreated } from "./audited.js";
import { IsoDate, toLiabilityCreditView } from "./views.js";

export const NewLiabilityCredit = z.strictObject({
  damageDate: IsoDate,
  /** Defaults to today (JST): the day the claim reaches us. */
  claimDate: IsoDate.optional(),
  amountYen: z.int().min(1).max(10_000_000_000),
  description: z.string().trim().min(1).max(2000),
});

export async function recordLiabilityCredit(
  deps: BillingDeps,
  actor: Actor,
  contractId: string,
  input: z.infer<typeof NewLiabilityCredit>,
  now: Date,
) {
  const today = jstDateOf(now.getTime());
  const claimDate = input.claimDate ?? today;
  const issues: ErrorIssue[] = [];
  const late = claimDateProblem(input.damageDate, claimDate);
  if (late) issues.push({ path: "claimDate", message: late });
  if (claimDate > today) issues.push({ path: "claimDate", message: "is in the future" });
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const contract = await store.contract(tx, { kind: "all" }, contractId);
    if (!contract.startDate || input.damageDate < contract.startDate) {
      issues.push({ path: "damageDate", message: "is before the contract's start date" });
    }
    if (issues.length > 0)
      throw new AppError(
        "VALIDATION",
        `liability claim refused: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
        issues,
      );
    const row = await store.addLiabilityCredit(tx, {
      damageDate: input.damageDate,
      amountYen: input.amountYen,
      description: input.description,
      claimDate,
      contractId,
      createdBy: actor.userId,
    });
    const view = toLiabilityCreditView(row, creditMonth(row.damageDate));
    await auditCreated(
      store,
      tx,
      { actor, at: now, action: "liability_credit.record" },
      row.id,
      contractId,
      view,
    );
    return view;
  });
}

/** A contract's liability credits, newest damage first; NOT_FOUND out of scope. */
export async function listLiabilityCredits(
  deps: BillingDeps,
  scope: ContractScope,
  contractId: string,
) {
  await deps.store.contract(undefined, scope, contractId);
  const rows = await deps.store.liabilityCreditsOf(contractId);
  return rows.map((r) => toLiabilityCreditView(r, creditMonth(r.damageDate)));
}
