// What happens to a contract between invoices (issue 15): plan changes with their effective
// month, suspension and restriction of service, objections to renewal, and the daily job that
// ends contracts at their end date, applies changes that became effective and reminds
// customers before the renewal-objection deadline.
import { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { planOfMonth } from "../billing/close/build-scenario.js";
import type { PlanChangeEntity } from "../db/entities/index.js";
import { addDays } from "../domain/calendar/business-days.js";
import { SUSPENSION_KINDS, type TerminationReason } from "../domain/contracts/service-state.js";
import { currentTermEnd, minimumTermEnd, objectionDeadline } from "../domain/contracts/terms.js";
import { languageOf } from "../domain/notify/format.js";
import { renderRenewalReminder } from "../domain/notify/service-notices.js";
import { jstDateOf, jstMonthOf } from "../domain/time/jst.js";
import { isYearMonth, monthOfDate } from "../domain/time/month.js";
import type { NewOutboxMessage } from "../notify/outbox.store.js";
import type { JobDef } from "../infra/scheduler.js";
import { AppError, conflict } from "../shared/errors.js";
import { audit as contractAudit, terminateContract } from "./lifecycle.js";
import type { ContractsDeps } from "./deps.js";
import { queueMaintenanceNotice } from "./service-notices.js";
import { contractStateChanged } from "./status-signal.js";
import { IsoDate, Plan, toContractView, type ContractView } from "./views.js";

type Deps = Pick<ContractsDeps, "uow" | "contracts" | "audit">;

/** The numbers of the lifecycle in one named place. */
export const LIFECYCLE_POLICY = {
  /** Days before the renewal-objection deadline the customer is reminded (first expiry only). */
  renewalReminderDays: 14,
  /** Days ahead a scheduled maintenance window is announced to the customer (Art. 17). */
  maintenanceNoticeDays: 7,
} as const;

const YearMonth = z.string().refine(isYearMonth, { error: "must be a month YYYY-MM" });

export const PlanChangeInput = z.strictObject({
  plan: Plan,
  /** First billed month of the new plan: the current JST month (at once) or a later one. */
  effectiveMonth: YearMonth.optional(),
});
export const PlanChangeView = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  fromPlan: Plan,
  plan: Plan,
  effectiveMonth: z.string(),
  createdAt: z.iso.datetime(),
});
const toPlanChangeView = (r: PlanChangeEntity): z.infer<typeof PlanChangeView> => ({
  id: r.id,
  contractId: r.contractId,
  fromPlan: r.fromPlan as Plan,
  plan: r.plan as Plan,
  effectiveMonth: r.effectiveMonth,
  createdAt: r.createdAt.toISOString(),
});

/** A contract's plan history, in the tenant's scope. */
export async function listPlanChanges(
  deps: Pick<Deps, "contracts">,
  scope: ContractScope,
  contractId: string,
) {
  await deps.contracts.get(scope, contractId);
  return (await deps.contracts.planChanges(contractId)).map(toPlanChangeView);
}

/**
 * Upgrade or downgrade from `effectiveMonth` (Art. 11 (3)). The monthly close bills each month
 * on the plan in force in it and charges a downgrade inside the minimum term in its effective
 * month. A change effective now also changes the plan routing uses at once; a later one is
 * applied by the daily lifecycle job when its month comes.
 */
export async function changePlan(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof PlanChangeInput>,
  now: Date,
) {
  const thisMonth = jstMonthOf(now.getTime());
  const effectiveMonth = input.effectiveMonth ?? thisMonth;
  if (effectiveMonth < thisMonth) {
    throw new AppError("VALIDATION", "a plan change cannot reprice a past month", [
      { path: "effectiveMonth", message: `must not be before the current month ${thisMonth}` },
    ]);
  }
  return deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get({ kind: "all" }, id, { tx, lock: true });
    if (row.status !== "active" || row.startDate === null)
      throw conflict(`contract is ${row.status}`);
    if (effectiveMonth < monthOfDate(row.startDate)) {
      throw new AppError("VALIDATION", "the plan change is before the contract starts", [
        { path: "effectiveMonth", message: `must not be before ${monthOfDate(row.startDate)}` },
      ]);
    }
    const history = await deps.contracts.planChanges(id, tx);
    const later = history.find((c) => c.effectiveMonth > effectiveMonth);
    if (later) throw conflict(`a plan change is already scheduled for ${later.effectiveMonth}`);
    const fromPlan = planOfMonth(row.plan, history, effectiveMonth);
    if (fromPlan === input.plan) {
      throw new AppError("VALIDATION", "the plan does not change", [
        { path: "plan", message: `is already ${fromPlan} in ${effectiveMonth}` },
      ]);
    }
    const before = toContractView(row);
    const change = await deps.contracts.addPlanChange(tx, {
      contractId: id,
      fromPlan,
      plan: input.plan,
      effectiveMonth,
      createdBy: actor.userId,
    });
    if (effectiveMonth === thisMonth) row.plan = input.plan;
    const after = toContractView(await deps.contracts.save(tx, row));
    await deps.audit.record(tx, {
      ...contractAudit(actor, now, "contract.plan_change", before, after),
      after: { ...after, planChange: toPlanChangeView(change) },
    });
    return { contract: after, change: toPlanChangeView(change) };
  });
}

export const SuspensionInput = z.strictObject({
  kind: z.enum(SUSPENSION_KINDS).default("suspension"),
  reason: z.string().trim().min(1).max(2000),
  /** From when; default now. */
  from: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Staff stop (suspension: agents refused) or restrict (monitoring kept) the service, e.g. for
 * non-payment (Art. 15 (4), 18, 25). Billing continues; incidents are neither routed nor
 * e-mailed while it lasts.
 */
export async function suspendContract(
  deps: Deps,
  actor: Actor,
  id: string,
  input: z.infer<typeof SuspensionInput>,
  now: Date,
): Promise<ContractView> {
  const result = await deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get({ kind: "all" }, id, { tx, lock: true });
    if (row.status !== "active") throw conflict(`contract is ${row.status}`);
    if (row.suspendedFrom !== null) throw conflict("contract is already suspended; lift it first");
    const before = toContractView(row);
    Object.assign(row, {
      suspendedFrom: input.from ? new Date(input.from) : now,
      suspensionKind: input.kind,
      suspensionReason: input.reason,
    });
    const after = toContractView(await deps.contracts.save(tx, row));
    await deps.audit.record(tx, contractAudit(actor, now, "contract.suspend", before, after));
    return after;
  });
  contractStateChanged(id);
  return result;
}

export async function liftSuspension(
  deps: Deps,
  actor: Actor,
  id: string,
  now: Date,
): Promise<ContractView> {
  const result = await deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get({ kind: "all" }, id, { tx, lock: true });
    if (row.suspendedFrom === null) throw conflict("contract is not suspended");
    const before = toContractView(row);
    Object.assign(row, { suspendedFrom: null, suspensionKind: null, suspensionReason: null });
    const after = toContractView(await deps.contracts.save(tx, row));
    await deps.audit.record(
      tx,
      contractAudit(actor, now, "contract.lift_suspension", before, after),
    );
    return after;
  });
  contractStateChanged(id);
  return result;
}

export const RenewalObjectionInput = z.strictObject({
  /** Who objects; a customer user always objects as the customer. */
  by: z.enum(["customer", "provider"]).default("customer"),
  /** When the objection was received; default today (JST). */
  date: IsoDate.optional(),
});

/**
 * An objection to renewal (Art. 11): the contract ends at the first expiry whose deadline (one
 * month before it) the objection meets — the current term's end when in time, else the next.
 */
export async function objectToRenewal(
  deps: Deps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  input: z.infer<typeof RenewalObjectionInput>,
  now: Date,
) {
  const date = input.date ?? jstDateOf(now.getTime());
  const by = scope.kind === "contract" ? "customer" : input.by;
  return deps.uow.transaction(async (tx) => {
    const row = await deps.contracts.get(scope, id, { tx, lock: true });
    if (row.status !== "active" || row.startDate === null)
      throw conflict(`contract is ${row.status}`);
    let termEnd = currentTermEnd(row.startDate, date < row.startDate ? row.startDate : date);
    if (date > objectionDeadline(termEnd))
      termEnd = currentTermEnd(row.startDate, addDays(termEnd, 1));
    const before = toContractView(row);
    Object.assign(row, {
      renewalObjectionDate: date,
      renewalObjectionBy: by,
      endDate: row.endDate !== null && row.endDate < termEnd ? row.endDate : termEnd,
    });
    const after = toContractView(await deps.contracts.save(tx, row));
    await deps.audit.record(
      tx,
      contractAudit(actor, now, "contract.renewal_objection", before, after),
    );
    return { contract: after, termEnd, deadline: objectionDeadline(termEnd) };
  });
}

export interface LifecycleRun {
  terminated: string[];
  plansApplied: number;
  componentsApplied: number;
  reminders: number;
  maintenanceNotices: number;
}

/**
 * The daily job (under the scheduler's advisory lock): contracts past their end date are
 * terminated (agents refused, personal data deleted), plan and component changes that became
 * effective are applied to the rows routing and the collector read, and reminders and
 * maintenance announcements are queued. Idempotent: a re-run changes nothing more.
 */
export async function runLifecycle(deps: ContractsDeps, now: Date): Promise<LifecycleRun> {
  const today = jstDateOf(now.getTime());
  const thisMonth = jstMonthOf(now.getTime());
  const terminated: string[] = [];
  for (const c of await deps.contracts.pastEndDate(today)) {
    const reason: TerminationReason = c.objected ? "term_end" : "customer";
    try {
      await terminateContract(deps, "system", c.id, now, reason);
      terminated.push(c.id);
    } catch (err) {
      if (!(err instanceof AppError && err.code === "CONFLICT")) throw err; // ended meanwhile
    }
  }
  const plansApplied = await deps.contracts.applyDuePlanChanges(thisMonth);
  const componentsApplied = await deps.components.applyDueChanges(thisMonth);
  const reminders = await queueRenewalReminders(deps, today, now);
  const maintenanceNotices = await queueMaintenanceNotices(deps, now);
  return { terminated, plansApplied, componentsApplied, reminders, maintenanceNotices };
}

/**
 * One reminder per contact before the minimum term's objection deadline (the first expiry;
 * month-by-month renewals after it are not reminded every month).
 */
async function queueRenewalReminders(
  deps: Pick<ContractsDeps, "contracts" | "outbox">,
  today: string,
  now: Date,
): Promise<number> {
  const messages: NewOutboxMessage[] = [];
  for (const r of await deps.contracts.renewalCandidates()) {
    const termEnd = minimumTermEnd(r.startDate);
    const deadline = objectionDeadline(termEnd);
    if (today > deadline || today < addDays(deadline, -LIFECYCLE_POLICY.renewalReminderDays))
      continue;
    const lang = languageOf(r.language);
    const email = r.email.toLowerCase();
    messages.push({
      key: `renewal_reminder:${r.contractId}:${termEnd}:${email}:email`,
      channel: "email",
      recipient: email,
      contractId: r.contractId,
      incidentId: null,
      event: "contract.renewal_reminder",
      language: lang,
      payload: {
        audience: "customer",
        ...renderRenewalReminder({ contractName: r.customerName, termEnd, deadline }, lang),
      },
      nextAttemptAt: now,
    });
  }
  return deps.outbox.enqueue(messages, now);
}

/** Maintenance windows starting within the notice period, announced once per contact. */
async function queueMaintenanceNotices(
  deps: Pick<ContractsDeps, "contracts" | "outbox">,
  now: Date,
): Promise<number> {
  const horizon = new Date(now.getTime() + LIFECYCLE_POLICY.maintenanceNoticeDays * 86_400_000);
  let queued = 0;
  for (const id of await deps.contracts.maintenanceWindowsStarting(now, horizon))
    queued += await queueMaintenanceNotice(deps, id, now);
  return queued;
}

export function contractLifecycleJob(deps: ContractsDeps): JobDef {
  return {
    name: "contract-lifecycle",
    // 00:10 JST daily: after midnight, so "past the end date" means the whole last day is over.
    cron: "10 0 * * *",
    run: (now) => runLifecycle(deps, now),
  };
}
