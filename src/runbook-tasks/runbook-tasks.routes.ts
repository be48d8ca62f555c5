import { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { TaskDeps } from "./deps.js";
import { FinishTask, finishTask } from "./finish-task.js";
import { listTasks, monthAllowance } from "./read-tasks.js";
import { StartTask, startTask } from "./start-task.js";
import { AllowanceView, RunbookTaskView, YearMonth } from "./views.js";

// Engineers run the tasks; the customer reads its own tasks and allowance.
const RUN: readonly UserRole[] = ["admin", "noc", "oncall"];

export function runbookTasksRoutes(deps: TaskDeps & { clock: Clock }): RouteDef[] {
  const { clock } = deps;
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
      handler: ({ actor, params, query }) => listTasks(deps, scopeOf(actor), params.id, query),
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
      handler: ({ actor, params, query }) =>
        monthAllowance(deps, scopeOf(actor), params.id, monthOr(query.month)),
    }),
  ];
}
