import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import type { ContractEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import {
  applicationDeemedRejectedAt,
  cancellationNoticeDeadline,
  canTransition,
  type ContractStatus,
} from "../domain/contracts/terms.js";
import type { TerminationReason } from "../domain/contracts/service-state.js";
import { jstDateOf } from "../domain/time/jst.js";
import { AppError, conflict } from "../shared/errors.js";
import { isPrototypeName } from "../ingest/labels.js";
import type { ContractsDeps } from "./deps.js";
import { contractStateChanged } from "./status-signal.js";
import { ContactInput, IsoDate, Plan, toContractView, type ContractView } from "./views.js";

export const NewApplication = z.strictObject({
  customerName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((v) => !v.includes("\u0000"), "must not contain NUL characters"),
  plan: Plan,
  tierMode: z.enum(["graduated", "volume"]).default("graduated"),
  contacts: z.array(ContactInput).min(1).max(20),
  instanceLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .refine((n) => !isPrototypeName(n), {
      message: "is a name every object inherits (constructor, toString, …): choose another",
    })
    .default("instance"),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});

type Deps = Pick<ContractsDeps, "uow" | "contracts" | "audit">;
/** The audit entry of a change to a contract (also used by lifecycle-ops.ts). */
export const audit = (
  actor: Actor | "system",
  at: Date,
  action: string,
  before: unknown,
  after: ContractView,
) => ({
  actor,
  at,
  action,
  entityType: "contract",
  entityId: after.id,
  contractId: after.id,
  before,
  after,
});

export async function applyForContract(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof NewApplication>,
  now: Date,
): Promise<ContractView> {
  return deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.create(tx, {
      customerName: input.customerName,
      plan: input.plan,
      tierMode: input.tierMode,
      instanceLabel: input.instanceLabel,
      status: "applied",
      receivedAt: input.receivedAt ? new Date(input.receivedAt) : now,
    });
    await deps.contracts.addContacts(tx, row.id, input.contacts);
    const view = toContractView(row);
    await deps.audit.record(tx, audit(actor, now, "contract.apply", null, view));
    return view;
  });
}

/** Moves a contract to `to` with a conditional update, so two deciders cannot both win. */
async function transition(
  deps: Deps,
  actor: Actor | "system",
  scope: ContractScope,
  id: string,
  to: ContractStatus,
  now: Date,
  patch: (c: ContractEntity) => Partial<ContractEntity>,
  alsoInTx?: (tx: Tx, after: ContractView) => Promise<void>,
): Promise<ContractView> {
  return deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get(scope, id, { tx, lock: true });
    const from = row.status as ContractStatus;
    if (!canTransition(from, to)) throw conflict(`contract is ${from}; it cannot become ${to}`);
    const before = toContractView(row);
    Object.assign(row, patch(row), { status: to });
    const after = toContractView(await deps.contracts.save(tx, row));
    await deps.audit.record(
      tx,
      audit(
        actor,
        now,
        `contract.${to === "active" ? "accept" : to === "rejected" ? "reject" : "terminate"}`,
        before,
        after,
      ),
    );
    await alsoInTx?.(tx, after);
    return after;
  });
}

export const Acceptance = z.strictObject({ startDate: IsoDate });
export function acceptApplication(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof Acceptance>,
  now: Date,
) {
  return transition(deps, actor, { kind: "all" }, id, "active", now, (c) => {
    if (now.getTime() >= applicationDeemedRejectedAt(c.receivedAt).getTime()) {
      throw new AppError(
        "PRECONDITION_FAILED",
        "the application is past its 60-day decision deadline and is deemed rejected",
      );
    }
    return { startDate: input.startDate, decidedAt: now };
  });
}

export const Rejection = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export function rejectApplication(
  deps: Deps,
  actor: Actor | "system",
  id: string,
  reason: string,
  now: Date,
) {
  return transition(deps, actor, { kind: "all" }, id, "rejected", now, () => ({
    decidedAt: now,
    rejectionReason: reason,
  }));
}

/** The scheduled job: applications with no decision 60 days after receipt are deemed rejected. */
export async function expireApplications(deps: Deps, now: Date): Promise<string[]> {
  const pending = await deps.contracts.pendingApplications();
  const expired = pending.filter(
    (c) => now.getTime() >= applicationDeemedRejectedAt(c.receivedAt).getTime(),
  );
  const done: string[] = [];
  for (const c of expired) {
    try {
      await rejectApplication(
        deps,
        "system",
        c.id,
        "deemed rejected: no decision within 60 days (Art. 10)",
        now,
      );
      done.push(c.id);
    } catch (err) {
      if (!(err instanceof AppError && err.code === "CONFLICT")) throw err; // decided meanwhile
    }
  }
  return done;
}

export const CancellationNotice = z.strictObject({
  desiredDate: IsoDate,
  /** Staff only: the day a notice given on paper or by phone was received. */
  noticeDate: IsoDate.optional(),
  /** Required with noticeDate: why the notice is dated other than today (audited). */
  noticeReason: z.string().trim().min(1).max(500).optional(),
});
export async function giveCancellationNotice(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  input: z.infer<typeof CancellationNotice>,
  now: Date,
) {
  const today = jstDateOf(now.getTime());
  assertNoticeDating(actor, input, today);
  const noticeDate = input.noticeDate ?? today;
  const deadline = cancellationNoticeDeadline(input.desiredDate);
  if (noticeDate > deadline) {
    throw new AppError(
      "VALIDATION",
      `notice for ${input.desiredDate} had to be given by ${deadline} (60 days, business-day calendar)`,
      [
        {
          path: "desiredDate",
          message: `earliest allowed termination for a notice on ${noticeDate} is later; deadline was ${deadline}`,
        },
      ],
      { deadline },
    );
  }
  return deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get(scope, id, { tx, lock: true });
    if (row.status !== "active") throw conflict(`contract is ${row.status}`);
    const before = toContractView(row);
    Object.assign(row, {
      cancellationNoticeDate: noticeDate,
      cancellationDesiredDate: input.desiredDate,
      endDate: input.desiredDate,
    });
    const after = toContractView(await deps.contracts.save(tx, row));
    const entry = audit(actor, now, "contract.cancellation_notice", before, after);
    await deps.audit.record(
      tx,
      input.noticeDate === undefined
        ? entry
        : {
            ...entry,
            after: { ...after, noticeDatedBy: "staff", noticeReason: input.noticeReason },
          },
    );
    return { contract: after, deadline };
  });
}

/**
 * A customer's notice is dated the day the platform receives it. Staff may record an earlier
 * day (a notice received on paper) with a reason, which the audit log keeps.
 */
function assertNoticeDating(
  actor: Actor,
  input: z.infer<typeof CancellationNotice>,
  today: string,
): void {
  if (input.noticeDate === undefined) {
    if (input.noticeReason !== undefined)
      throw new AppError("VALIDATION", "noticeReason goes with noticeDate", [
        { path: "noticeReason", message: "only with noticeDate" },
      ]);
    return;
  }
  if (actor.role === "customer")
    throw new AppError("VALIDATION", "a customer's notice is dated the day it is received", [
      { path: "noticeDate", message: "only staff may date a notice; omit it" },
    ]);
  if (!input.noticeReason)
    throw new AppError("VALIDATION", "a dated notice needs a reason", [
      { path: "noticeReason", message: "required with noticeDate" },
    ]);
  if (input.noticeDate > today)
    throw new AppError("VALIDATION", "a notice cannot be dated in the future", [
      { path: "noticeDate", message: `must be on or before ${today}` },
    ]);
}

/**
 * Termination (Art. 30): agent tokens are revoked and the customer's personal data deleted at
 * once (contracts/purge.store.ts); agents are refused from now on. `reason` decides the
 * early-termination charge (none for provider fault, Art. 11 (2)).
 */
export async function terminateContract(
  deps: Pick<ContractsDeps, "uow" | "contracts" | "components" | "tokens" | "audit">,
  actor: Actor | "system",
  id: string,
  now: Date,
  reason: TerminationReason = "customer",
): Promise<ContractView> {
  const view = await transition(
    deps,
    actor,
    { kind: "all" },
    id,
    "terminated",
    now,
    (c) => ({
      terminatedAt: now,
      terminationReason: reason,
      endDate:
        c.endDate && c.endDate <= jstDateOf(now.getTime()) ? c.endDate : jstDateOf(now.getTime()),
    }),
    async (tx, view) => {
      await deps.tokens.revokeLive(tx, { contractId: id }, now);
      await deps.components.endAll(tx, id, view.endDate!);
      const purged = await deps.contracts.purgePersonalData(tx, id);
      await deps.audit.record(tx, {
        actor,
        at: now,
        action: "contract.purge_access",
        entityType: "contract",
        entityId: id,
        contractId: id,
        before: null,
        after: { usersDeleted: purged.users, ...purged },
      });
    },
  );
  contractStateChanged(id);
  return view;
}
