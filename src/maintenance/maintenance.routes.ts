import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { MaintenanceWindowView } from "./views.js";
import {
  createWindow,
  deleteWindow,
  listWindows,
  NewWindow,
  type MaintenanceDeps,
} from "./windows.js";

// The contract's own customer schedules its maintenance too (issue 5); on-call staff read.
const SCHEDULE: readonly UserRole[] = ["admin", "noc", "customer"];

export function maintenanceRoutes(deps: MaintenanceDeps & { clock: Clock }): RouteDef[] {
  const { clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/contracts/:id/maintenance-windows",
      tag: "maintenance",
      roles: USER_ROLES,
      summary: "List a contract's maintenance windows (with whether each is active now)",
      params: IdParams,
      query: Pagination,
      response: page(MaintenanceWindowView),
      handler: ({ actor, params, query }) =>
        listWindows(deps, scopeOf(actor), params.id, query, now()),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/maintenance-windows",
      tag: "maintenance",
      roles: SCHEDULE,
      summary: "Schedule a maintenance window (one-off or recurring, JST calendar)",
      status: 201,
      params: IdParams,
      body: NewWindow,
      response: MaintenanceWindowView,
      handler: ({ actor, params, body }) =>
        createWindow(deps, actor, scopeOf(actor), params.id, body, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/maintenance-windows/:id",
      tag: "maintenance",
      roles: SCHEDULE,
      summary: "Delete a maintenance window",
      status: 204,
      params: IdParams,
      handler: ({ actor, params }) => deleteWindow(deps, actor, scopeOf(actor), params.id, now()),
    }),
  ];
}
