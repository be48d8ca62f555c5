import type { DataSource } from "typeorm";
import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import { ComponentEntity, RunbookTaskEntity } from "../db/entities/index.js";
import type { OperatingSystem, Plan } from "../domain/billing/tariff.js";
import { runbookAllowance } from "../domain/runbook-tasks/allowance.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { IncidentHub } from "../incidents/hub.js";
import type { Clock } from "../infra/clock.js";
import { FinishTask, finishTask } from "./finish-task.js";
import { StartTask, startTask } from "./start-task.js";
import { runbookMinutesUsed } from "./usage.js";
import { AllowanceView, RunbookTaskView, toTaskView, YearMonth } from "./views.js";

// Engineers run the tasks; the customer reads its own tasks and allowance.
const RUN: readonly UserRole[] = ["admin", "noc", "oncall"];

export function runbookTasksRoutes(deps: {
  db: DataSource;
  clock: Clock;
  hub?: IncidentHub;
}): RouteDef[] {
  const { db, clock } = deps;
  const now = () => clock.now();
  const monthOr = (month: string | undefined) => month ?? jstMonthOf(now().getTime());
  return [
    defineRoute({
      method: "post",
      path: "/contracts/:id/runbook-tasks",
      tag: "runbook tasks",
      roles: RUN,
      summary: "Start a runbook task (Premium; against an ops runbook on file)",
      status: 201,
      params: IdParams,
      body: StartTask,
      response: RunbookTaskView,
      handler: ({ actor, params, body }) => startTask(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "post",
      path: "/runbook-tasks/:id/finish",
      tag: "runbook tasks",
      roles: RUN,
      summary: "Finish a runbook task (minutes rounded up, at least 1)",
      params: IdParams,
      body: FinishTask,
      response: RunbookTaskView,
      handler: ({ actor, params, body }) => finishTask(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/runbook-tasks",
      tag: "runbook tasks",
      roles: USER_ROLES,
      summary: "List a contract's runbook tasks, newest first",
      params: IdParams,
      query: Pagination.extend({
        month: YearMonth.optional().describe("JST month the task started"),
      }),
      response: page(RunbookTaskView),
      handler: async ({ actor, params, query }) => {
        await getContract(db.manager, scopeOf(actor), params.id);
        const [rows, total] = await db.getRepository(RunbookTaskEntity).findAndCount({
          where: { contractId: params.id, ...(query.month ? { month: query.month } : {}) },
          order: { startedAt: "DESC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return { items: rows.map(toTaskView), total, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/runbook-allowance",
      tag: "runbook tasks",
      roles: USER_ROLES,
      summary: "Runbook minutes of a month: allowance (components × 60 min), used, remaining",
      params: IdParams,
      query: z.strictObject({ month: YearMonth.optional().describe("default: this JST month") }),
      response: AllowanceView,
      handler: async ({ actor, params, query }) => {
        const contract = await getContract(db.manager, scopeOf(actor), params.id);
        const month = monthOr(query.month);
        const usedMinutes = await runbookMinutesUsed(db.manager, params.id, month);
        // A contract not yet started has no billed component, hence no allowance.
        const components = contract.startDate
          ? await db.getRepository(ComponentEntity).findBy({ contractId: params.id })
          : [];
        return runbookAllowance({
          month,
          plan: contract.plan as Plan,
          startDate: contract.startDate ?? "9999-12-31",
          endDate: contract.endDate,
          components: components.map((c) => ({
            id: c.id,
            os: c.os as OperatingSystem,
            activeFrom: c.activeFrom,
            activeUntil: c.activeUntil,
          })),
          usedMinutes,
        });
      },
    }),
  ];
}
