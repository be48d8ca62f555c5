// Tariffs and tax rates as versioned data (SPEC 6.1), editable by admin with audit, and manual
// invoice adjustment lines with their reason and approver. The monthly close and revisions
// price each month by the version in force in it (close.store.ts storedTariffVersions).
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import type { InvoiceAdjustmentEntity } from "../db/entities/index.js";
import { hasAtMostTwoDecimals } from "../domain/billing/money.js";
import { PLANS, TIER_MODES, tariffFor, type Plan, type Tariff } from "../domain/billing/tariff.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { addMonths, isYearMonth, monthOfDate } from "../domain/time/month.js";
import { AppError, conflict } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { auditCreated } from "./audited.js";

const YearMonth = z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" });
const Yen = z.number().int().min(0).max(100_000_000);
const Bands = z
  .array(z.strictObject({ upTo: z.number().int().positive().nullable(), unitYen: Yen }))
  .min(1)
  .max(10)
  .superRefine((bands, ctx) => {
    bands.forEach((b, i) => {
      const last = i === bands.length - 1;
      if (last !== (b.upTo === null))
        ctx.addIssue({
          code: "custom",
          path: [i, "upTo"],
          message: last ? "the last band must be open (null)" : "only the last band may be open",
        });
      const prev = bands[i - 1]?.upTo;
      if (i > 0 && b.upTo !== null && prev != null && b.upTo <= prev)
        ctx.addIssue({
          code: "custom",
          path: [i, "upTo"],
          message: "must be above the previous band",
        });
    });
  });
const PlanPrices = z.strictObject({ baseYen: Yen, linux: Bands, anyWindows: Bands.nullable() });

export const TariffInput = z.strictObject({
  version: z.string().trim().min(1).max(40),
  /** First month priced by this version: a later month than the current one (JST). */
  effectiveFrom: YearMonth,
  plans: z.partialRecord(z.enum(PLANS), PlanPrices).optional(),
  tierMode: z.enum(TIER_MODES).optional(),
  initialFeeYen: Yen.optional(),
  extraComponentInitialYen: Yen.optional(),
  capRelaxationYen: Yen.optional(),
  incidentOverageYen: Yen.nullable().optional(),
  runbookOverageYenPerHour: Yen.nullable().optional(),
  taxRatePercent: z
    .number()
    .min(0)
    .max(100)
    .refine(hasAtMostTwoDecimals, { error: "at most two decimals" })
    .optional(),
});

export const TariffView = z.object({
  version: z.string(),
  effectiveFrom: z.string(),
  stored: z.boolean(),
  tariff: z.record(z.string(), z.unknown()),
});

export async function addTariffVersion(
  deps: BillingDeps,
  actor: Actor,
  input: z.infer<typeof TariffInput>,
  now: Date,
) {
  const next = addMonths(jstMonthOf(now.getTime()), 1);
  if (input.effectiveFrom < next) {
    throw new AppError("VALIDATION", "a tariff applies from a future month only", [
      {
        path: "effectiveFrom",
        message: `must be ${next} or later (past months are never repriced)`,
      },
    ]);
  }
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    await store.lockTariffs(tx);
    const versions = await store.tariffVersions(tx);
    if (versions.some((v) => v.version === input.version))
      throw conflict(`tariff version ${input.version} exists`);
    if (versions.some((v) => v.effectiveFrom === input.effectiveFrom))
      throw conflict(`a tariff version is already effective from ${input.effectiveFrom}`);
    const base = tariffFor(input.effectiveFrom, versions);
    const { plans, ...rest } = input;
    const merged: Tariff = {
      ...base,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      plans: { ...base.plans, ...(plans as Partial<Record<Plan, Tariff["plans"][Plan]>>) },
    };
    const row = await store.addTariffVersion(tx, {
      version: merged.version,
      effectiveFrom: merged.effectiveFrom,
      tariff: merged as unknown as Record<string, unknown>,
      createdBy: actor.userId,
    });
    await store.audit(tx, {
      actor,
      at: now,
      action: "tariff.create",
      entityType: "tariff",
      entityId: row.id,
      contractId: null,
      before: { version: base.version, effectiveFrom: base.effectiveFrom },
      after: merged,
    });
    return {
      version: merged.version,
      effectiveFrom: merged.effectiveFrom,
      stored: true,
      tariff: row.tariff,
    };
  });
}

export const AdjustmentInput = z.strictObject({
  /** The invoice month the line belongs to (a month already invoiced shows it in a revision). */
  month: YearMonth,
  reason: z.string().trim().min(1).max(500),
  /** Signed integer yen: a reduction (disaster waiver, advance payment) is negative. */
  amountYen: z
    .number()
    .int()
    .min(-100_000_000)
    .max(100_000_000)
    .refine((n) => n !== 0, { error: "must not be 0" }),
  taxable: z.boolean().default(true),
  /** Who approved the adjustment (name or staff id), printed on the line. */
  approvedBy: z.string().trim().min(1).max(200),
});
export const AdjustmentView = AdjustmentInput.extend({
  id: z.uuid(),
  contractId: z.uuid(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});
const toAdjustmentView = (r: InvoiceAdjustmentEntity): z.infer<typeof AdjustmentView> => ({
  id: r.id,
  contractId: r.contractId,
  month: r.month,
  reason: r.reason,
  amountYen: r.amountYen,
  taxable: r.taxable,
  approvedBy: r.approvedBy,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

/** Built-in and stored versions, oldest first, each marked with where it comes from. */
export async function listTariffs(deps: BillingDeps): Promise<z.infer<typeof TariffView>[]> {
  const stored = await deps.store.storedTariffVersionNames();
  return (await deps.store.tariffVersions()).map((t) => ({
    version: t.version,
    effectiveFrom: t.effectiveFrom,
    stored: stored.has(t.version),
    tariff: t as unknown as Record<string, unknown>,
  }));
}

export async function listAdjustments(deps: BillingDeps, contractId: string) {
  return (await deps.store.adjustmentsOf(contractId)).map(toAdjustmentView);
}

/** A manual line for a month from the contract's start, audited with the change. */
export async function addAdjustment(
  deps: BillingDeps,
  actor: Actor,
  contractId: string,
  input: z.infer<typeof AdjustmentInput>,
  now: Date,
) {
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const contract = await store.contract(tx, { kind: "all" }, contractId);
    if (contract.startDate === null || input.month < monthOfDate(contract.startDate)) {
      throw new AppError("VALIDATION", "the month is before the contract starts", [
        { path: "month", message: "must not be before the contract's start month" },
      ]);
    }
    const row = await store.addAdjustment(tx, { ...input, contractId, createdBy: actor.userId });
    const view = toAdjustmentView(row);
    await auditCreated(
      store,
      tx,
      { actor, at: now, action: "invoice_adjustment.create" },
      row.id,
      contractId,
      view,
    );
    return view;
  });
}
