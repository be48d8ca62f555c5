// The outbox as staff and customers read it, and the NOC's manual retry of a message that
// failed or was skipped (audited in the transaction that queues it again).
import type { Actor, ContractScope } from "../access/actor.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { AppError, notFound } from "../shared/errors.js";
import type { NotificationQuery, OutboxStore } from "./outbox.store.js";
import { toNotificationView } from "./views.js";

export interface NotificationsDeps {
  uow: UnitOfWork;
  outbox: OutboxStore;
}

export async function listNotifications(deps: NotificationsDeps, q: NotificationQuery) {
  const { rows, total } = await deps.outbox.list(q);
  const items = rows.map((r) => toNotificationView(r, true));
  return { items, total, limit: q.limit, offset: q.offset };
}

/** Queued again with a fresh attempt budget; a queued, sending or sent message is a conflict. */
export async function retryNotification(
  deps: NotificationsDeps,
  actor: Actor,
  id: string,
  now: Date,
) {
  const { uow, outbox } = deps;
  const row = await uow.transaction(async (tx) => {
    const before = await outbox.get(tx, id);
    if (!before) throw notFound("notification");
    if (!(await outbox.requeue(tx, id, now))) {
      throw new AppError(
        "CONFLICT",
        `only failed or skipped messages can be retried (this one is ${before.state})`,
      );
    }
    await outbox.audit(tx, {
      actor,
      at: now,
      action: "notification.retry",
      entityType: "outbox_message",
      entityId: before.id,
      contractId: before.contractId,
      before: { state: before.state, attempts: before.attempts, lastError: before.lastError },
      after: { state: "queued" },
    });
    return (await outbox.get(tx, id))!;
  });
  return toNotificationView(row, true);
}

/** Customers see only the messages to their own contacts, and no staff details. */
export async function incidentNotifications(
  deps: NotificationsDeps,
  scope: ContractScope,
  incidentId: string,
) {
  if (!(await deps.outbox.incidentInScope(scope, incidentId))) throw notFound("incident");
  const rows = await deps.outbox.ofIncident(incidentId, scope.kind === "contract");
  return { items: rows.map((r) => toNotificationView(r, scope.kind === "all")) };
}
