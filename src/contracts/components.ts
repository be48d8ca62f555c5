import { IsNull, LessThanOrEqual, type DataSource, type EntityManager } from "typeorm";
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { newSecret } from "../accounts/secrets.js";
import { recordAudit } from "../audit/audit.js";
import { AgentTokenEntity, ComponentChangeEntity, ComponentEntity } from "../db/entities/index.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import { isYearMonth, monthOfDate } from "../domain/time/month.js";
import { AppError, conflict, notFound } from "../shared/errors.js";
import { getComponent, getContract } from "./scoped.js";
import { IsoDate, Os, toComponentView } from "./views.js";

type Deps = { db: DataSource };

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
  return deps.db.transaction(async (tx) => {
    const contract = await getContract(tx, scope, contractId, { lock: true });
    if (contract.status === "terminated" || contract.status === "rejected")
      throw conflict(`contract is ${contract.status}`);
    if (await tx.existsBy(ComponentEntity, { contractId, name: input.name }))
      throw conflict("a component with this name exists in the contract");
    const activeFrom =
      input.activeFrom ?? defaultActiveFrom(contract.startDate, jstDateOf(now.getTime()));
    const row = await tx.save(
      tx.create(ComponentEntity, {
        contractId,
        name: input.name,
        os: input.os,
        capRelaxations: input.capRelaxations,
        activeFrom,
      }),
    );
    await tx.insert(ComponentChangeEntity, {
      componentId: row.id,
      contractId,
      effectiveMonth: monthOfDate(activeFrom),
      os: row.os,
      capRelaxations: row.capRelaxations,
      createdBy: actor.userId,
    });
    const view = toComponentView(row);
    await recordAudit(tx, componentAudit(actor, now, "component.create", row, null, view));
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
  return deps.db.transaction(async (tx) => {
    const row = await getComponent(tx, scope, id);
    const before = toComponentView(row);
    if (patch.os !== undefined || patch.capRelaxations !== undefined) {
      const thisMonth = jstMonthOf(now.getTime());
      const effectiveMonth = patch.effectiveMonth ?? thisMonth;
      if (effectiveMonth < thisMonth) {
        throw new AppError("VALIDATION", "a change cannot reprice a past month", [
          { path: "effectiveMonth", message: `must not be before the current month ${thisMonth}` },
        ]);
      }
      const state = await stateIn(tx, row, effectiveMonth);
      await tx.insert(ComponentChangeEntity, {
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
    const after = toComponentView(await tx.save(row));
    // A component that stops being active no longer sends: its agent token goes with it.
    if (row.activeUntil !== null && row.activeUntil <= jstDateOf(now.getTime())) {
      await tx.update(
        AgentTokenEntity,
        { componentId: row.id, revokedAt: IsNull() },
        { revokedAt: now },
      );
    }
    await recordAudit(tx, componentAudit(actor, now, "component.update", row, before, after));
    return after;
  });
}

/** The state in force in `month` by the stored history (latest entry effective by then). */
async function stateIn(
  tx: EntityManager,
  row: ComponentEntity,
  month: string,
): Promise<{ os: string; capRelaxations: number }> {
  const latest = await tx.findOne(ComponentChangeEntity, {
    where: { componentId: row.id, effectiveMonth: LessThanOrEqual(month) },
    order: { effectiveMonth: "DESC", createdAt: "DESC" },
  });
  return latest ?? { os: row.os, capRelaxations: row.capRelaxations };
}

const TokenView = z.object({
  id: z.uuid(),
  scope: z.enum(["component", "contract"]),
  componentId: z.uuid().nullable(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  revoked: z.boolean(),
});
export const AgentTokenView = TokenView;
export const toTokenView = (t: AgentTokenEntity): z.infer<typeof TokenView> => ({
  id: t.id,
  scope: t.scope as "component" | "contract",
  componentId: t.componentId,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  revoked: t.revokedAt !== null,
});

/** Issues a component's agent token, revoking the previous one: one live token per component. */
export async function rotateComponentToken(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  componentId: string,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const component = await getComponent(tx, scope, componentId);
    const contract = await getContract(tx, scope, component.contractId, { lock: true });
    if (contract.status !== "active" && contract.status !== "applied")
      throw conflict(`contract is ${contract.status}`);
    if (component.activeUntil !== null && component.activeUntil < jstDateOf(now.getTime()))
      throw conflict("component is no longer active");
    await tx.update(AgentTokenEntity, { componentId, revokedAt: IsNull() }, { revokedAt: now });
    const { secret, hash, prefix } = newSecret("agent");
    const row = await tx.save(
      tx.create(AgentTokenEntity, {
        contractId: component.contractId,
        componentId,
        scope: "component",
        tokenHash: hash,
        prefix,
      }),
    );
    await recordAudit(tx, {
      actor,
      at: now,
      action: "agent_token.rotate",
      entityType: "agent_token",
      entityId: row.id,
      contractId: row.contractId,
      before: null,
      after: toTokenView(row),
    });
    return { ...toTokenView(row), token: secret };
  });
}

/** A per-contract ingest token for a standard agent (Prometheus, vmagent) scraping many VMs. */
export async function issueContractToken(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  contractId: string,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const contract = await getContract(tx, scope, contractId, { lock: true });
    if (contract.status !== "active") throw conflict(`contract is ${contract.status}`);
    const { secret, hash, prefix } = newSecret("agent");
    const row = await tx.save(
      tx.create(AgentTokenEntity, {
        contractId,
        componentId: null,
        scope: "contract",
        tokenHash: hash,
        prefix,
      }),
    );
    await recordAudit(tx, {
      actor,
      at: now,
      action: "agent_token.issue",
      entityType: "agent_token",
      entityId: row.id,
      contractId,
      before: null,
      after: toTokenView(row),
    });
    return { ...toTokenView(row), token: secret };
  });
}

export async function revokeAgentToken(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  tokenId: string,
  now: Date,
) {
  return deps.db.transaction(async (tx) => {
    const where =
      scope.kind === "all" ? { id: tokenId } : { id: tokenId, contractId: scope.contractId };
    const row = await tx.findOneBy(AgentTokenEntity, where);
    if (!row) throw notFound("agent token");
    const before = toTokenView(row);
    row.revokedAt ??= now;
    const after = toTokenView(await tx.save(row));
    await recordAudit(tx, {
      actor,
      at: now,
      action: "agent_token.revoke",
      entityType: "agent_token",
      entityId: row.id,
      contractId: row.contractId,
      before,
      after,
    });
    return after;
  });
}
