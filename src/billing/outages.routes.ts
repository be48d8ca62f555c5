import {
  And,
  IsNull,
  LessThan,
  MoreThanOrEqual,
  Not,
  type DataSource,
  type FindOptionsWhere,
} from "typeorm";
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import { OutageEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import {
  Classification,
  classifyOutage,
  closeOutage,
  createOutage,
  NewOutage,
  Restoration,
} from "./outages.js";
import { getOutage } from "./scoped.js";
import { Instant, OutageCause, OutageScope, OutageView, toOutageView } from "./views.js";

const MANAGE: readonly UserRole[] = ["admin", "noc"];
const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const OutageFilter = Pagination.extend({
  open: flag.optional(),
  scope: OutageScope.optional(),
  cause: z.union([OutageCause, z.literal("unclassified")]).optional(),
  knownFrom: Instant.optional().describe("knownAt at or after"),
  knownBefore: Instant.optional().describe("knownAt before"),
});

function outageWhere(
  contractId: string,
  q: z.infer<typeof OutageFilter>,
): FindOptionsWhere<OutageEntity> {
  const [from, before] = [
    q.knownFrom && MoreThanOrEqual(new Date(q.knownFrom)),
    q.knownBefore && LessThan(new Date(q.knownBefore)),
  ];
  const knownAt = from && before ? And(from, before) : (from ?? before);
  return {
    contractId,
    ...(q.scope ? { scope: q.scope } : {}),
    ...(q.cause ? { cause: q.cause === "unclassified" ? IsNull() : q.cause } : {}),
    ...(q.open === undefined ? {} : { restoredAt: q.open ? IsNull() : Not(IsNull()) }),
    ...(knownAt ? { knownAt } : {}),
  };
}

export function outagesRoutes(deps: { db: DataSource; clock: Clock }): RouteDef[] {
  const { db, clock } = deps;
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
      handler: ({ actor, params, body }) => createOutage(deps, actor, params.id, body, now()),
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
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const [rows, total] = await db.getRepository(OutageEntity).findAndCount({
          where: outageWhere(params.id, query),
          order: { knownAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return { items: rows.map(toOutageView), total, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: "get",
      path: "/outages/:id",
      tag: "outages",
      roles: USER_ROLES,
      summary: "Get an outage",
      params: IdParams,
      response: OutageView,
      handler: async ({ actor, params }) =>
        toOutageView(await getOutage(db.manager, scopeOf(actor), params.id)),
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
      handler: ({ actor, params, body }) => classifyOutage(deps, actor, params.id, body, now()),
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
      handler: ({ actor, params, body }) => closeOutage(deps, actor, params.id, body, now()),
    }),
  ];
}
