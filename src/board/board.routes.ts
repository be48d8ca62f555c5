import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { Clock } from "../infra/clock.js";
import { COMPONENT_HEALTH, DEFAULT_BOARD_POLICY, type BoardPolicy } from "./board-policy.js";
import { loadBoard } from "./board-query.js";
import type { BoardStore } from "./board.store.js";
import { componentCap } from "./component-cap.js";

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
  board: BoardStore;
  clock: Clock;
  pipeline: () => IngestPipeline | undefined;
  policy?: BoardPolicy;
}

/** Aggregate reads for the web UI: one request per screen. */
export function boardRoutes(deps: BoardRouteDeps): RouteDef[] {
  const { board, clock } = deps;
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
        return loadBoard({ board, policy, quotaPerMonth, pipeline: deps.pipeline }, now);
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
      handler: ({ actor, params }) => componentCap(deps, scopeOf(actor), params.id),
    }),
  ];
}
