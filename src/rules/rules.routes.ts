import { IsNull, Not, type FindOptionsWhere } from "typeorm";
import type { z } from "zod";
import { scopeOf, USER_ROLES, type UserRole } from "../access/actor.js";
import { getContract } from "../contracts/scoped.js";
import { ComponentEntity, RuleEntity } from "../db/entities/index.js";
import { effectiveRules } from "../domain/rules/resolve.js";
import { defineRoute, IdParams, page, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { createRule, deleteRule, getRule, updateRule, type RulesDeps } from "./manage-rules.js";
import { EffectiveRules, NewRule, RuleFilter, RulePatch, RuleView, toRuleView } from "./views.js";

const MANAGE: readonly UserRole[] = ["admin", "noc"];

function ruleWhere(q: z.infer<typeof RuleFilter>): FindOptionsWhere<RuleEntity> {
  const byScope: FindOptionsWhere<RuleEntity> =
    q.scope === "global"
      ? { contractId: IsNull(), componentId: IsNull() }
      : q.scope === "contract"
        ? { contractId: Not(IsNull()), componentId: IsNull() }
        : q.scope === "component"
          ? { componentId: Not(IsNull()) }
          : {};
  return {
    ...byScope,
    ...(q.contractId ? { contractId: q.contractId } : {}),
    ...(q.componentId ? { componentId: q.componentId } : {}),
  };
}

export function rulesRoutes(deps: RulesDeps & { clock: Clock }): RouteDef[] {
  const { db, clock } = deps;
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
      handler: async ({ query }) => {
        const [rows, total] = await db.getRepository(RuleEntity).findAndCount({
          where: ruleWhere(query),
          order: { createdAt: "ASC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return { items: rows.map(toRuleView), total, limit: query.limit, offset: query.offset };
      },
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
    defineRoute({
      method: "get",
      path: "/rules/:id",
      tag: "rules",
      roles: MANAGE,
      summary: "Get a rule",
      params: IdParams,
      response: RuleView,
      handler: async ({ params }) => toRuleView(await getRule(db.manager, params.id)),
    }),
    defineRoute({
      method: "patch",
      path: "/rules/:id",
      tag: "rules",
      roles: MANAGE,
      summary: "Change a rule",
      params: IdParams,
      body: RulePatch,
      response: RuleView,
      handler: ({ actor, params, body }) => updateRule(deps, actor, params.id, body, now()),
    }),
    defineRoute({
      method: "delete",
      path: "/rules/:id",
      tag: "rules",
      roles: MANAGE,
      summary: "Delete a rule (default-pack rules are disabled instead)",
      status: 204,
      params: IdParams,
      handler: ({ actor, params }) => deleteRule(deps, actor, params.id, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/rules",
      tag: "rules",
      roles: USER_ROLES,
      summary: "The rules in force for a contract and each of its components",
      params: IdParams,
      response: EffectiveRules,
      handler: async ({ actor, params }) => {
        const contract = await getContract(db.manager, scopeOf(actor), params.id);
        const rules = await db.getRepository(RuleEntity).find({
          where: [{ contractId: IsNull(), componentId: IsNull() }, { contractId: contract.id }],
          order: { createdAt: "ASC", id: "ASC" },
        });
        const components = await db
          .getRepository(ComponentEntity)
          .find({ where: { contractId: contract.id }, order: { name: "ASC" } });
        return {
          contractId: contract.id,
          rules: effectiveRules(rules, contract.id, null).map(toRuleView),
          components: components.map((c) => ({
            componentId: c.id,
            name: c.name,
            rules: effectiveRules(rules, contract.id, c.id).map(toRuleView),
          })),
        };
      },
    }),
  ];
}
