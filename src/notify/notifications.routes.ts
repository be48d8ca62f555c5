import { z } from "zod";
import type { DataSource, FindOptionsWhere } from "typeorm";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { IncidentEntity, OutboxMessageEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, Uuid, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { AppError, notFound } from "../shared/errors.js";
import { returnedRows } from "./outbox.store.js";
import { DeliveryState, NotificationView, toNotificationView } from "./views.js";

export interface NotifyRouteDeps {
  db: DataSource;
  clock: Clock;
  /** Wakes the in-process worker after a manual retry (absent when the role runs elsewhere). */
  wake?: () => void;
}

const STAFF: readonly UserRole[] = ["admin", "noc"];
const Filter = Pagination.extend({
  state: DeliveryState.optional(),
  incidentId: Uuid.optional(),
  contractId: Uuid.optional(),
});

export function notificationsRoutes(deps: NotifyRouteDeps): RouteDef[] {
  const { db, clock } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/notifications",
      tag: "notifications",
      roles: STAFF,
      summary: "List outbox messages (e.g. state=failed for the NOC's retry list)",
      query: Filter,
      response: page(NotificationView),
      handler: async ({ query }) => {
        const where: FindOptionsWhere<OutboxMessageEntity> = {
          ...(query.state ? { state: query.state } : {}),
          ...(query.incidentId ? { incidentId: query.incidentId } : {}),
          ...(query.contractId ? { contractId: query.contractId } : {}),
        };
        const [rows, total] = await db.getRepository(OutboxMessageEntity).findAndCount({
          where,
          order: { createdAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        const items = rows.map((r) => toNotificationView(r, true));
        return { items, total, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: "post",
      path: "/notifications/:id/retry",
      tag: "notifications",
      roles: STAFF,
      summary: "Queue a failed or skipped message again with a fresh attempt budget",
      params: IdParams,
      response: NotificationView,
      handler: async ({ actor, params }) => {
        const now = clock.now();
        const row = await db.transaction(async (tx) => {
          const before = await tx.findOneBy(OutboxMessageEntity, { id: params.id });
          if (!before) throw notFound("notification");
          // Conditional update: a message that is queued, sending or sent is never re-sent.
          const updated = await tx.query<{ id: string }[] | [{ id: string }[], number]>(
            `UPDATE outbox_messages SET state = 'queued', attempts = 0, next_attempt_at = $2, retry_from = $2, updated_at = $2
             WHERE id = $1 AND state IN ('failed', 'skipped') RETURNING id`,
            [params.id, now],
          );
          if (returnedRows(updated).length === 0) {
            throw new AppError(
              "CONFLICT",
              `only failed or skipped messages can be retried (this one is ${before.state})`,
            );
          }
          await recordAudit(tx, {
            actor,
            at: now,
            action: "notification.retry",
            entityType: "outbox_message",
            entityId: before.id,
            contractId: before.contractId,
            before: { state: before.state, attempts: before.attempts, lastError: before.lastError },
            after: { state: "queued" },
          });
          return tx.findOneByOrFail(OutboxMessageEntity, { id: params.id });
        });
        deps.wake?.();
        return toNotificationView(row, true);
      },
    }),
    defineRoute({
      method: "get",
      path: "/incidents/:id/notifications",
      tag: "notifications",
      roles: USER_ROLES,
      summary: "Delivery state of an incident's messages (customers: only those to their contacts)",
      params: IdParams,
      response: z.object({ items: z.array(NotificationView) }),
      handler: async ({ actor, params }) => {
        const scope = scopeOf(actor);
        const where =
          scope.kind === "all"
            ? { id: params.id }
            : { id: params.id, contractId: scope.contractId };
        if (!(await db.getRepository(IncidentEntity).existsBy(where))) throw notFound("incident");
        const qb = db
          .getRepository(OutboxMessageEntity)
          .createQueryBuilder("o")
          .where("o.incidentId = :id", { id: params.id })
          .orderBy("o.createdAt", "ASC")
          .addOrderBy("o.id", "ASC");
        if (scope.kind === "contract") qb.andWhere(`o.payload->>'audience' = 'customer'`);
        const rows = await qb.getMany();
        return { items: rows.map((r) => toNotificationView(r, scope.kind === "all")) };
      },
    }),
  ];
}
