import type { DataSource } from "typeorm";
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { getComponent } from "../contracts/scoped.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { capFor, DEFAULT_CAP_POLICY } from "../ingest/caps.js";
import type { Clock } from "../infra/clock.js";
import { COMPONENT_HEALTH, DEFAULT_BOARD_POLICY, type BoardPolicy } from "./board-policy.js";
import { loadBoard } from "./board-query.js";

const STAFF: readonly UserRole[] = ["admin", "noc", "oncall"];
const Iso = z.iso.datetime();
const Quota = z.object({
  quota: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  overage: z.number().int(),
});
const BoardIncident = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  componentId: z.uuid().nullable(),
  componentName: z.string().nullable(),
  state: z.string(),
  severity: z.string(),
  tier: z.string().nullable(),
  overage: z.boolean(),
  suppressed: z.boolean(),
  runbookMissing: z.boolean(),
  openedAt: Iso,
  acknowledgedAt: Iso.nullable(),
  resolvedAt: Iso.nullable(),
  escalationLevel: z.number().int(),
  assigneeId: z.uuid().nullable(),
  repeatCount: z.number().int(),
  memberCount: z.number().int(),
  membersTotal: z.number().int(),
  scope: z.string(),
  ruleName: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
});
const BoardView = z.object({
  generatedAt: Iso,
  month: z.string(),
  version: z.string().describe("latest incident change; the realtime resync starts here"),
  contracts: z.array(
    z.object({
      id: z.uuid(),
      customerName: z.string(),
      plan: z.string(),
      components: z.object({
        total: z.number().int(),
        ...Object.fromEntries(COMPONENT_HEALTH.map((h) => [h, z.number().int()])),
      }),
      incidents: z.object({
        critical: z.number().int(),
        warning: z.number().int(),
        info: z.number().int(),
        oldestOpenedAt: Iso.nullable(),
      }),
      quota: Quota,
      capWarnings: z.number().int(),
      runbookMissing: z.boolean(),
      failedNotifications: z.number().int(),
      suspension: z
        .object({ kind: z.string(), reason: z.string(), from: Iso })
        .nullable()
        .describe("service suspended or restricted by the provider; billing continues"),
    }),
  ),
  incidents: z.array(BoardIncident),
  activeIncidents: z.number().int(),
});
const CapView = z.object({
  componentId: z.uuid(),
  cap: z.number().int(),
  capRelaxations: z.number().int(),
  seriesPerStep: z.number().int(),
  activeSeries: z.number().int().nullable().describe("null when no collector runs here"),
  storedSeries: z.number().int(),
  lastSeenAt: Iso.nullable(),
  lastCapReachedAt: Iso.nullable(),
});

export interface BoardRouteDeps {
  db: DataSource;
  clock: Clock;
  pipeline: () => IngestPipeline | undefined;
  policy?: BoardPolicy;
}

/** Aggregate reads for the web UI: one request per screen. */
export function boardRoutes(deps: BoardRouteDeps): RouteDef[] {
  const { db, clock } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/noc/board",
      tag: "board",
      roles: STAFF,
      summary: "NOC board: every contract's health, incidents, quota and warnings",
      response: BoardView,
      handler: () => {
        const now = clock.now();
        // The quota is a versioned tariff setting: the month's own value applies.
        const quotaPerMonth = tariffFor(jstMonthOf(now.getTime())).incidentQuotaPerMonth;
        const policy = deps.policy ?? DEFAULT_BOARD_POLICY;
        return loadBoard({ db, policy, quotaPerMonth, pipeline: deps.pipeline }, now);
      },
    }),
    defineRoute({
      method: "get",
      path: "/components/:id/cap",
      tag: "board",
      roles: USER_ROLES,
      summary: "A component's series cap usage",
      params: IdParams,
      response: CapView,
      handler: async ({ actor, params }) => {
        const c = await getComponent(db.manager, scopeOf(actor), params.id);
        const [row] = await db.query<{ stored: number; reached: Date | null }[]>(
          `SELECT (SELECT count(*)::int FROM metric_series WHERE component_id = $1) AS stored,
                  (SELECT MAX(at) FROM audit_log WHERE action = 'component.cap_reached' AND entity_id = $1::text) AS reached`,
          [c.id],
        );
        const pipeline = deps.pipeline();
        const live = pipeline?.activeSeries(c.id);
        return {
          componentId: c.id,
          cap: live?.cap ?? capFor(c.capRelaxations),
          capRelaxations: c.capRelaxations,
          seriesPerStep: DEFAULT_CAP_POLICY.seriesPerStep,
          activeSeries: pipeline ? (live?.active ?? 0) : null,
          storedSeries: row?.stored ?? 0,
          lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
          lastCapReachedAt: row?.reached ? new Date(row.reached).toISOString() : null,
        };
      },
    }),
  ];
}
