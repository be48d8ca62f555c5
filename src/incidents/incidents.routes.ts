import { z } from "zod";
import { USER_ROLES, type UserRole } from "../access/actor.js";
import { OutageCause, OutageScope, OutageView } from "../billing/views.js";
import type { IncidentEntity } from "../db/entities/index.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { isYearMonth } from "../domain/time/month.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { notFound } from "../shared/errors.js";
import { classifyIncidentOutage, type ClassifyOutage } from "./declare-outage.js";
import type { IncidentService } from "./incident-service.js";
import {
  getIncident,
  listIncidents,
  quotaOf,
  viewIncident,
  type IncidentReadDeps,
} from "./read-incidents.js";
import { IncidentDetailView, IncidentView } from "./views.js";

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

export function incidentsRoutes(deps: {
  clock: Clock;
  /** The engine, where this process runs it: the verbs need it, the reads do not. */
  incidents: () => IncidentService | undefined;
  /** The reads' stores (any API process). */
  incidentReads: IncidentReadDeps;
  classifyOutage: ClassifyOutage;
}): RouteDef[] {
  const reads = deps.incidentReads;
  const service = () => {
    const s = deps.incidents();
    if (!s) throw notFound("incident engine on this instance");
    return s;
  };
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
      handler: async ({ actor, params, body: input }) =>
        viewIncident(reads, actor, await run(service(), actor as never, params.id, input as never)),
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
      handler: ({ actor, query }) => listIncidents(reads, actor, query),
    }),
    defineRoute({
      method: "get",
      path: "/incidents/:id",
      summary: "An incident with its timeline (customers see customer-visible entries only)",
      tag: "incidents",
      roles: USER_ROLES,
      params: IdParams,
      response: IncidentDetailView,
      handler: ({ actor, params }) => getIncident(reads, actor, params.id),
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
      handler: ({ actor, params, body }) =>
        classifyIncidentOutage(
          { incidents: reads.incidents, classifyOutage: deps.classifyOutage, clock: deps.clock },
          actor,
          params.id,
          body,
        ),
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
      handler: ({ actor, params, query }) =>
        quotaOf(reads, actor, params.id, query.month ?? jstMonthOf(deps.clock.now().getTime())),
    }),
  ];
}
