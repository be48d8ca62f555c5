import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, Uuid, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import {
  incidentNotifications,
  listNotifications,
  retryNotification,
  type NotificationsDeps,
} from "./notifications.js";
import { DeliveryState, NotificationView } from "./views.js";

export interface NotifyRouteDeps {
  notifications: NotificationsDeps;
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
  const { notifications, clock } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/notifications",
      tag: "notifications",
      roles: STAFF,
      summary: "List outbox messages (e.g. state=failed for the NOC's retry list)",
      query: Filter,
      response: page(NotificationView),
      handler: ({ query }) => listNotifications(notifications, query),
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
        const view = await retryNotification(notifications, actor, params.id, clock.now());
        deps.wake?.();
        return view;
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
      handler: ({ actor, params }) =>
        incidentNotifications(notifications, scopeOf(actor), params.id),
    }),
  ];
}
