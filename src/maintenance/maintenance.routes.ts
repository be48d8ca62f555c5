import type { DataSource } from "typeorm";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import { MaintenanceWindowEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { MaintenanceWindowView, toWindowView } from "./views.js";
import { createWindow, deleteWindow, NewWindow } from "./windows.js";

// The contract's own customer schedules its maintenance too (issue 5); on-call staff read.
const SCHEDULE: readonly UserRole[] = ["admin", "noc", "customer"];

export function maintenanceRoutes(deps: { db: DataSource; clock: Clock }): RouteDef[] {
  const { db, clock } = deps;
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
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const [rows, total] = await db.getRepository(MaintenanceWindowEntity).findAndCount({
          where: { contractId: params.id },
          order: { startsAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        const at = now();
        return {
          items: rows.map((w) => toWindowView(w, at)),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
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
