import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { BillingDeps } from "./billing.store.js";
import {
  Classification,
  classifyOutage,
  closeOutage,
  createOutage,
  getOutageView,
  listOutages,
  NewOutage,
  Restoration,
} from "./outages.js";
import { Instant, OutageCause, OutageScope, OutageView } from "./views.js";

const MANAGE: readonly UserRole[] = ["admin", "noc"];
const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const OutageFilter = Pagination.extend({
  open: flag.optional(),
  scope: OutageScope.optional(),
  cause: z.union([OutageCause, z.literal("unclassified")]).optional(),
  knownFrom: Instant.optional().describe("knownAt at or after"),
  knownBefore: Instant.optional().describe("knownAt before"),
});

export function outagesRoutes(deps: { billing: BillingDeps; clock: Clock }): RouteDef[] {
  const { billing, clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "post",
      path: "/contracts/:id/outages",
      tag: "outages",
      roles: MANAGE,
      summary: "Record an outage",
      status: 201,
      params: IdParams,
      body: NewOutage,
      response: OutageView,
      handler: ({ actor, params, body }) => createOutage(billing, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/outages",
      tag: "outages",
      roles: USER_ROLES,
      summary: "List a contract's outages",
      params: IdParams,
      query: OutageFilter,
      response: page(OutageView),
      handler: ({ actor, params, query }) => listOutages(billing, scopeOf(actor), params.id, query),
    }),
    defineRoute({
      method: "get",
      path: "/outages/:id",
      tag: "outages",
      roles: USER_ROLES,
      summary: "Get an outage",
      params: IdParams,
      response: OutageView,
      handler: ({ actor, params }) => getOutageView(billing, scopeOf(actor), params.id),
    }),
    defineRoute({
      method: "post",
      path: "/outages/:id/classify",
      tag: "outages",
      roles: MANAGE,
      summary: "Classify an outage's cause and scope",
      params: IdParams,
      body: Classification,
      response: OutageView,
      handler: ({ actor, params, body }) => classifyOutage(billing, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/outages/:id/close",
      tag: "outages",
      roles: MANAGE,
      summary: "Close an outage (service restored)",
      params: IdParams,
      body: Restoration,
      response: OutageView,
      handler: ({ actor, params, body }) => closeOutage(billing, actor, params.id, body, now()),
    }),
  ];
}
