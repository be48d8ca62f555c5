import { USER_ROLES, type UserRole } from "../access/actor.js";
import { defineRoute, resourceRoutes, IdParams, page, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { createRule, deleteRule, updateRule, type RulesDeps } from "./manage-rules.js";
import { listRules, readRule, rulesInForce } from "./read-rules.js";
import { EffectiveRules, NewRule, RuleFilter, RulePatch, RuleView } from "./views.js";

const MANAGE: readonly UserRole[] = ["admin", "noc"];

export function rulesRoutes(deps: RulesDeps & { clock: Clock }): RouteDef[] {
  const { clock } = deps;
  const now = () => clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/rules",
      tag: "rules",
      roles: MANAGE,
      summary: "List detection rules",
      query: RuleFilter,
      response: page(RuleView),
      handler: ({ query }) => listRules(deps, query),
    }),
    defineRoute({
      method: "post",
      path: "/rules",
      tag: "rules",
      roles: MANAGE,
      summary: "Create a rule (global, per contract or per component)",
      status: 201,
      body: NewRule,
      response: RuleView,
      handler: ({ actor, body }) => createRule(deps, actor, body, now()),
    }),
    ...resourceRoutes({
      path: "/rules/:id",
      tag: "rules",
      view: RuleView,
      get: {
        roles: MANAGE,
        summary: "Get a rule",
        run: ({ id }) => readRule(deps, id),
      },
      patch: {
        roles: MANAGE,
        summary: "Change a rule",
        body: RulePatch,
        run: ({ actor, id }, body) => updateRule(deps, actor, id, body, now()),
      },
      delete: {
        roles: MANAGE,
        summary: "Delete a rule (default-pack rules are disabled instead)",
        run: ({ actor, id }) => deleteRule(deps, actor, id, now()),
      },
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/rules",
      tag: "rules",
      roles: USER_ROLES,
      summary: "The rules in force for a contract and each of its components",
      params: IdParams,
      response: EffectiveRules,
      handler: ({ actor, params }) => rulesInForce(deps, actor, params.id),
    }),
  ];
}
