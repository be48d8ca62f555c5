// Tariff versions and manual adjustment lines (use cases in tariffs.ts).
import { z } from "zod";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { BillingDeps } from "./billing.store.js";
import {
  addAdjustment,
  addTariffVersion,
  AdjustmentInput,
  AdjustmentView,
  listAdjustments,
  listTariffs,
  TariffInput,
  TariffView,
} from "./tariffs.js";

export function tariffsRoutes(deps: { billing: BillingDeps; clock: Clock }): RouteDef[] {
  const { billing } = deps;
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/tariffs",
      tag: "billing",
      roles: ["admin"],
      summary: "Tariff versions (built-in and stored), oldest first",
      response: z.array(TariffView),
      handler: () => listTariffs(billing),
    }),
    defineRoute({
      method: "post",
      path: "/tariffs",
      tag: "billing",
      roles: ["admin"],
      summary:
        "Add a tariff version from a future month: the fields given replace those of the version in force then",
      status: 201,
      body: TariffInput,
      response: TariffView,
      handler: ({ actor, body }) => addTariffVersion(billing, actor, body, now()),
    }),
    defineRoute({
      method: "get",
      path: "/contracts/:id/adjustments",
      tag: "billing",
      roles: ["admin", "noc"],
      summary: "Manual invoice adjustment lines of a contract",
      params: IdParams,
      response: z.array(AdjustmentView),
      handler: ({ params }) => listAdjustments(billing, params.id),
    }),
    defineRoute({
      method: "post",
      path: "/contracts/:id/adjustments",
      tag: "billing",
      roles: ["admin"],
      summary: "Add a manual adjustment line (reason and approver) to a month's invoice",
      status: 201,
      params: IdParams,
      body: AdjustmentInput,
      response: AdjustmentView,
      handler: ({ actor, params, body }) => addAdjustment(billing, actor, params.id, body, now()),
    }),
  ];
}
