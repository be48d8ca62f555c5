import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import type { ComponentEntity } from "../db/entities/index.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import { isYearMonth, monthOfDate } from "../domain/time/month.js";
import { AppError, conflict } from "../shared/errors.js";
import type { ContractsDeps } from "./deps.js";
import { IsoDate, Os, toComponentView } from "./views.js";

type Deps = Pick<ContractsDeps, "uow" | "contracts" | "components" | "tokens" | "audit">;

export const NewComponent = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[^\s]+$/, "must not contain spaces"),
  os: Os,
  capRelaxations: z.number().int().min(0).max(100).default(0),
  activeFrom: IsoDate.optional(),
});
export const ComponentPatch = z
  .strictObject({
    os: Os.optional(),
    capRelaxations: z.number().int().min(0).max(100).optional(),
    activeUntil: IsoDate.nullable().optional(),
    /** First billed month of an OS or relaxation change; default the current JST month. */
    effectiveMonth: z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" }).optional(),
  })
  .refine((p) => Object.keys(p).some((k) => k !== "effectiveMonth"), {
    message: "nothing to change",
  });

/**
 * The day a component starts to be billed when none is given: the day it is added (JST), so
 * a VM added after the start date carries its initial fee; before the start, the start date.
 */
export function defaultActiveFrom(startDate: string | null, today: string): string {
  return startDate !== null && startDate > today ? startDate : today;
}

const componentAudit = (
  actor: Actor,
  at: Date,
  action: string,
  c: ComponentEntity,
  before: unknown,
  after: unknown,
) => ({
  actor,
  at,
  action,
  entityType: "component",
  entityId: c.id,
  contractId: c.contractId,
  before,
  after,
});

export async function addComponent(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  input: z.infer<typeof NewComponent>,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    const contract = await deps.contracts.get(scope, contractId, { tx, lock: true });
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    if (await deps.components.nameTaken(tx, contractId, input.name))
      throw conflict("a component with this name exists in the contract");
    const activeFrom =
      input.activeFrom ?? defaultActiveFrom(contract.startDate, jstDateOf(now.getTime()));
    const row = await deps.components.create(tx, {
      contractId,
      name: input.name,
      os: input.os,
      capRelaxations: input.capRelaxations,
      activeFrom,
    });
    await deps.components.addChange(tx, {
      componentId: row.id,
      contractId,
      effectiveMonth: monthOfDate(activeFrom),
      os: row.os,
      capRelaxations: row.capRelaxations,
      createdBy: actor.userId,
    });
    const view = toComponentView(row);
    await deps.audit.record(tx, componentAudit(actor, now, "component.create", row, null, view));
    return view;
  });
}

export async function updateComponent(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  patch: z.infer<typeof ComponentPatch>,
  now: Date,
) {
  return deps.uow.transaction(async (tx) => {
    const row = await deps.components.get(scope, id, tx);
    const before = toComponentView(row);
    if (patch.os !== undefined || patch.capRelaxations !== undefined) {
      const thisMonth = jstMonthOf(now.getTime());
      const effectiveMonth = patch.effectiveMonth ?? thisMonth;
      if (effectiveMonth < thisMonth) {
        throw new AppError("VALIDATION", "a change cannot reprice a past month", [
          { path: "effectiveMonth", message: `must not be before the current month ${thisMonth}` },
        ]);
      }
      const state = (await deps.components.stateIn(tx, row.id, effectiveMonth)) ?? row;
      await deps.components.addChange(tx, {
        componentId: row.id,
        contractId: row.contractId,
        effectiveMonth,
        os: patch.os ?? state.os,
        capRelaxations: patch.capRelaxations ?? state.capRelaxations,
        createdBy: actor.userId,
      });
      // The row is today's state (the collector's cap); a later month is applied by the
      // daily lifecycle job when it comes.
      if (effectiveMonth === thisMonth) {
        if (patch.os !== undefined) row.os = patch.os;
        if (patch.capRelaxations !== undefined) row.capRelaxations = patch.capRelaxations;
      }
    }
    if (patch.activeUntil !== undefined) row.activeUntil = patch.activeUntil;
    const after = toComponentView(await deps.components.save(tx, row));
    // A component that stops being active no longer sends: its agent token goes with it.
    if (row.activeUntil !== null && row.activeUntil <= jstDateOf(now.getTime()))
      await deps.tokens.revokeLive(tx, { componentId: row.id }, now);
    await deps.audit.record(tx, componentAudit(actor, now, "component.update", row, before, after));
    return after;
  });
}
