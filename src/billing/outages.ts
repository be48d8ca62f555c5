// Outage records (SPEC 4): created by NOC staff or admins, classified once the cause is
// known, closed when the service is restored. Every change is audited in its transaction.
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { AppError, conflict } from "../shared/errors.js";
import type { BillingDeps } from "./billing.store.js";
import { Instant, OutageCause, OutageScope, toOutageView, type OutageView } from "./views.js";

type Deps = BillingDeps;
const ALL = { kind: "all" } as const;

export const NewOutage = z.strictObject({
  scope: OutageScope,
  /** Left out until NOC staff know the cause. */
  cause: OutageCause.nullable().default(null),
  knownAt: Instant,
  restoredAt: Instant.nullable().default(null),
  description: z.string().trim().min(1).max(2000),
  incidentId: z.uuid().nullable().default(null),
});
export const Classification = z.strictObject({ cause: OutageCause, scope: OutageScope.optional() });
export const Restoration = z.strictObject({ restoredAt: Instant });

/** Times in the future would exempt time that has not happened; refuse them by field. */
function checkTimes(knownAt: Date, restoredAt: Date | null, now: Date): void {
  const issues = [];
  if (knownAt.getTime() > now.getTime())
    issues.push({ path: "knownAt", message: "is in the future" });
  if (restoredAt && restoredAt.getTime() < knownAt.getTime()) {
    issues.push({ path: "restoredAt", message: "is before knownAt" });
  } else if (restoredAt && restoredAt.getTime() > now.getTime()) {
    issues.push({ path: "restoredAt", message: "is in the future" });
  }
  if (issues.length > 0) throw new AppError("VALIDATION", "invalid outage times", issues);
}

const audit = (
  actor: Actor,
  at: Date,
  action: string,
  before: OutageView | null,
  after: OutageView,
) => ({
  actor,
  at,
  action,
  entityType: "outage",
  entityId: after.id,
  contractId: after.contractId,
  before,
  after,
});

export async function createOutage(
  deps: Deps,
  actor: Actor,
  contractId: string,
  input: z.infer<typeof NewOutage>,
  now: Date,
) {
  const [knownAt, restoredAt] = [
    new Date(input.knownAt),
    input.restoredAt ? new Date(input.restoredAt) : null,
  ];
  checkTimes(knownAt, restoredAt, now);
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    await store.contract(tx, ALL, contractId);
    const row = await store.addOutage(tx, {
      scope: input.scope,
      cause: input.cause,
      description: input.description,
      incidentId: input.incidentId,
      contractId,
      knownAt,
      restoredAt,
      createdBy: actor.userId,
    });
    const view = toOutageView(row);
    await store.audit(tx, audit(actor, now, "outage.create", null, view));
    return view;
  });
}

/** Sets or corrects the cause (and scope): the next close prices the outage with it. */
export async function classifyOutage(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof Classification>,
  now: Date,
) {
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const row = await store.outage(tx, ALL, id, { lock: true });
    const before = toOutageView(row);
    row.cause = input.cause;
    if (input.scope) row.scope = input.scope;
    const after = toOutageView(await store.saveOutage(tx, row));
    await store.audit(tx, audit(actor, now, "outage.classify", before, after));
    return after;
  });
}

/** Closes an open outage once; a second close is a conflict, not a silent overwrite. */
export async function closeOutage(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof Restoration>,
  now: Date,
) {
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    const row = await store.outage(tx, ALL, id, { lock: true });
    if (row.restoredAt !== null)
      throw conflict(`outage is already closed (restored at ${row.restoredAt.toISOString()})`);
    const restoredAt = new Date(input.restoredAt);
    checkTimes(row.knownAt, restoredAt, now);
    const before = toOutageView(row);
    row.restoredAt = restoredAt;
    const after = toOutageView(await store.saveOutage(tx, row));
    await store.audit(tx, audit(actor, now, "outage.close", before, after));
    return after;
  });
}

export interface OutageListQuery {
  open?: boolean | undefined;
  scope?: string | undefined;
  /** A cause, or "unclassified". */
  cause?: string | undefined;
  /** ISO instants: knownAt at or after / before. */
  knownFrom?: string | undefined;
  knownBefore?: string | undefined;
  limit: number;
  offset: number;
}

/** A contract's outages, newest first; NOT_FOUND for a contract out of scope. */
export async function listOutages(
  deps: Deps,
  scope: ContractScope,
  contractId: string,
  filter: OutageListQuery,
) {
  await deps.store.contract(undefined, scope, contractId);
  const { rows, total } = await deps.store.outagesOf(contractId, {
    ...filter,
    knownFrom: filter.knownFrom ? new Date(filter.knownFrom) : undefined,
    knownBefore: filter.knownBefore ? new Date(filter.knownBefore) : undefined,
  });
  return { items: rows.map(toOutageView), total, limit: filter.limit, offset: filter.offset };
}

export async function getOutageView(deps: Deps, scope: ContractScope, id: string) {
  return toOutageView(await deps.store.outage(undefined, scope, id));
}
