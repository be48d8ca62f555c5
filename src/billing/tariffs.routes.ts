// Tariffs and tax rates as versioned data (SPEC 6.1), editable by admin with audit, and manual
// invoice adjustment lines with their reason and approver. The monthly close and revisions
// price each month by the version in force in it (close-store.ts tariffVersions).
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { getContract } from "../contracts/scoped.js";
import { InvoiceAdjustmentEntity, TariffVersionEntity } from "../db/entities/index.js";
import { hasAtMostTwoDecimals } from "../domain/billing/money.js";
import { PLANS, TIER_MODES, tariffFor, type Plan, type Tariff } from "../domain/billing/tariff.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { addMonths, isYearMonth, monthOfDate } from "../domain/time/month.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { AppError, conflict } from "../shared/errors.js";
import { tariffVersions } from "./close/close-store.js";

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

const TariffView = z.object({
  version: z.string(),
  effectiveFrom: z.string(),
  stored: z.boolean(),
  tariff: z.record(z.string(), z.unknown()),
});

export async function addTariffVersion(
  db: DataSource,
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
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('msp.tariff_versions'))");
    const versions = await tariffVersions(tx);
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
    const row = await tx.save(
      tx.create(TariffVersionEntity, {
        version: merged.version,
        effectiveFrom: merged.effectiveFrom,
        tariff: merged as unknown as Record<string, unknown>,
        createdBy: actor.userId,
      }),
    );
    await recordAudit(tx, {
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
const AdjustmentView = AdjustmentInput.extend({
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

export function tariffsRoutes(deps: { db: DataSource; clock: Clock }): RouteDef[] {
  const { db } = deps;
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/tariffs",
      tag: "billing",
      roles: ["admin"],
      summary: "Tariff versions (built-in and stored), oldest first",
      response: z.array(TariffView),
      handler: async () => {
        const stored = new Set(
          (await db.getRepository(TariffVersionEntity).find()).map((r) => r.version),
        );
        return (await tariffVersions(db)).map((t) => ({
          version: t.version,
          effectiveFrom: t.effectiveFrom,
          stored: stored.has(t.version),
          tariff: t as unknown as Record<string, unknown>,
        }));
      },
    }),
    defineRoute({
      method: "post",
      path: "/tariffs",
      tag: "billing",
      roles: ["admin"],
      summary:
        "Add a tariff version from a future month: the fields given replace those of the version in force then",
      status: 201,
      body: TariffInput,
      response: TariffView,
      handler: ({ actor, body }) => addTariffVersion(db, actor, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/adjustments",
      tag: "billing",
      roles: ["admin", "noc"],
      summary: "Manual invoice adjustment lines of a contract",
      params: IdParams,
      response: z.array(AdjustmentView),
      handler: async ({ params }) =>
        (
          await db.getRepository(InvoiceAdjustmentEntity).find({
            where: { contractId: params.id },
            order: { month: "ASC", createdAt: "ASC" },
          })
        ).map(toAdjustmentView),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/adjustments",
      tag: "billing",
      roles: ["admin"],
      summary: "Add a manual adjustment line (reason and approver) to a month's invoice",
      status: 201,
      params: IdParams,
      body: AdjustmentInput,
      response: AdjustmentView,
      handler: ({ actor, params, body }) =>
        db.transaction(async (tx) => {
          const contract = await getContract(tx, { kind: "all" }, params.id);
          if (contract.startDate === null || body.month < monthOfDate(contract.startDate)) {
            throw new AppError("VALIDATION", "the month is before the contract starts", [
              { path: "month", message: "must not be before the contract's start month" },
            ]);
          }
          const row = await tx.save(
            tx.create(InvoiceAdjustmentEntity, {
              ...body,
              contractId: params.id,
              createdBy: actor.userId,
            }),
          );
          const view = toAdjustmentView(row);
          await recordAudit(tx, {
            actor,
            at: now(),
            action: "invoice_adjustment.create",
            entityType: "invoice_adjustment",
            entityId: row.id,
            contractId: params.id,
            before: null,
            after: view,
          });
          return view;
        }),
    }),
  ];
}
