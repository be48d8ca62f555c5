import { In, Raw, type DataSource, type FindOptionsWhere } from "typeorm";
import { z } from "zod";
import { scopeOf, USER_ROLES, type ContractScope, type UserRole } from "../access/actor.js";
import { OutageCause, OutageScope, OutageView } from "../billing/views.js";
import { getContract } from "../contracts/scoped.js";
import { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { isYearMonth } from "../domain/time/month.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { notFound } from "../shared/errors.js";
import { classifyIncidentOutage } from "./declare-outage.js";
import type { IncidentService } from "./incident-service.js";
import { membersOf } from "./incident-store.js";
import { quotaOf } from "./quota.js";
import {
  IncidentDetailView,
  IncidentView,
  loadNames,
  forCustomer,
  toIncidentView,
  toTimelineView,
  toMemberView,
} from "./views.js";

const STAFF: readonly UserRole[] = ["admin", "noc", "oncall"];
const MANAGE: readonly UserRole[] = ["admin", "noc"];
const Note = z.string().trim().min(1).max(4000);

const IncidentFilter = Pagination.extend({
  state: z.enum(["open", "acknowledged", "resolved", "active"]).optional(),
  contractId: z.uuid().optional(),
  componentId: z.uuid().optional(),
  severity: z.enum(["critical", "warning", "info"]).optional(),
  assigneeId: z.uuid().optional(),
});
const YearMonthQuery = z.strictObject({
  month: z.string().refine(isYearMonth, "must be YYYY-MM").optional(),
});

function incidentWhere(scope: ContractScope, q: z.infer<typeof IncidentFilter>) {
  const where: FindOptionsWhere<IncidentEntity> = {
    ...(q.contractId ? { contractId: q.contractId } : {}),
    ...(scope.kind === "contract" ? { contractId: scope.contractId } : {}),
    // A component's incidents include the grouped ones it is a member of.
    ...(q.componentId
      ? {
          id: Raw(
            (id) =>
              `${id} IN (SELECT incident_id FROM incident_members WHERE component_id = :componentId)`,
            { componentId: q.componentId },
          ),
        }
      : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.assigneeId ? { assigneeId: q.assigneeId } : {}),
  };
  if (q.state === "active") where.state = In(["open", "acknowledged"]);
  else if (q.state) where.state = q.state;
  return where;
}

export function incidentsRoutes(deps: {
  db: DataSource;
  clock: Clock;
  incidents: () => IncidentService | undefined;
}): RouteDef[] {
  const { db } = deps;
  const service = () => {
    const s = deps.incidents();
    if (!s) throw notFound("incident engine on this instance");
    return s;
  };
  const view = async (row: IncidentEntity) =>
    toIncidentView(row, await loadNames(db.manager, [row]));
  const verb = (
    path: string,
    summary: string,
    roles: readonly UserRole[],
    body: z.ZodType,
    run: (s: IncidentService, actor: never, id: string, input: never) => Promise<IncidentEntity>,
  ) =>
    defineRoute({
      method: "post",
      path: `/incidents/:id/${path}`,
      summary,
      tag: "incidents",
      roles,
      params: IdParams,
      body,
      response: IncidentView,
      handler: async ({ actor, params, body: input }) => {
        const v = await view(await run(service(), actor as never, params.id, input as never));
        return scopeOf(actor).kind === "contract" ? forCustomer(v) : v;
      },
    });
  return [
    defineRoute({
      method: "get",
      path: "/incidents",
      summary: "List incidents, newest first (customers: their contract's only)",
      tag: "incidents",
      roles: USER_ROLES,
      query: IncidentFilter,
      response: page(IncidentView),
      handler: async ({ actor, query }) => {
        const [rows, total] = await db.getRepository(IncidentEntity).findAndCount({
          where: incidentWhere(scopeOf(actor), query),
          order: { openedAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        const names = await loadNames(db.manager, rows);
        const customer = scopeOf(actor).kind === "contract";
        return {
          items: rows.map((r) =>
            customer ? forCustomer(toIncidentView(r, names)) : toIncidentView(r, names),
          ),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/incidents/:id",
      summary: "An incident with its timeline (customers see customer-visible entries only)",
      tag: "incidents",
      roles: USER_ROLES,
      params: IdParams,
      response: IncidentDetailView,
      handler: async ({ actor, params }) => {
        const scope = scopeOf(actor);
        const row = await db.getRepository(IncidentEntity).findOneBy({
          id: params.id,
          ...(scope.kind === "contract" ? { contractId: scope.contractId } : {}),
        });
        if (!row) throw notFound("incident");
        const events = await db.getRepository(IncidentEventEntity).find({
          where: {
            incidentId: row.id,
            ...(scope.kind === "contract" ? { customerVisible: true } : {}),
          },
          order: { id: "ASC" },
        });
        const v = await view(row);
        const timeline = events.map(toTimelineView);
        const members = (await membersOf(db.manager, row.id)).map(toMemberView);
        return scope.kind === "contract"
          ? { ...forCustomer(v), timeline, members }
          : { ...v, timeline, members };
      },
    }),
    verb(
      "acknowledge",
      "Acknowledge (stops escalation)",
      USER_ROLES,
      z.strictObject({ note: Note.optional() }),
      (s, a, id, i) => s.acknowledge(a, id, i),
    ),
    verb(
      "escalate",
      "Page the next on-call step now",
      STAFF,
      z.strictObject({ note: Note.optional() }),
      (s, a, id, i) => s.escalate(a, id, i),
    ),
    verb(
      "resolve",
      "Resolve by hand with a reason; falseAlarm before acknowledgement frees the quota unit",
      STAFF,
      z.strictObject({ reason: Note, falseAlarm: z.boolean().optional() }),
      (s, a, id, i) => s.resolve(a, id, i),
    ),
    verb(
      "reopen",
      "Reopen a resolved incident",
      STAFF,
      z.strictObject({ note: Note }),
      (s, a, id, i) => s.reopen(a, id, i),
    ),
    verb(
      "notes",
      "Add a note to the timeline",
      USER_ROLES,
      z.strictObject({ note: Note, customerVisible: z.boolean().optional() }),
      (s, a, id, i) => s.addNote(a, id, i),
    ),
    verb(
      "outage",
      "Declare the incident a total outage (known from its detection time)",
      MANAGE,
      z.strictObject({
        scope: OutageScope,
        description: z.string().trim().min(1).max(2000).optional(),
      }),
      (s, a, id, i) => s.declareOutage(a, id, i),
    ),
    defineRoute({
      method: "post",
      path: "/incidents/:id/classify",
      summary: "Classify the cause of the incident's outage (SPEC 4)",
      tag: "incidents",
      roles: MANAGE,
      params: IdParams,
      body: z.strictObject({ cause: OutageCause }),
      response: OutageView,
      handler: async ({ actor, params, body }) => {
        const row = await db.getRepository(IncidentEntity).findOneBy({ id: params.id });
        if (!row) throw notFound("incident");
        return classifyIncidentOutage(service().deps, actor, row, body);
      },
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/quota",
      summary: "Response quota of a JST month: used, remaining, overage (SPEC 4)",
      tag: "incidents",
      roles: USER_ROLES,
      params: IdParams,
      query: YearMonthQuery,
      response: z.object({
        month: z.string(),
        quota: z.number().int(),
        used: z.number().int(),
        remaining: z.number().int(),
        overage: z.number().int(),
      }),
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const month = query.month ?? jstMonthOf(deps.clock.now().getTime());
        return quotaOf(db.manager, params.id, month);
      },
    }),
  ];
}
