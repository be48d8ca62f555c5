// Webhook endpoints (use cases in webhooks.ts).
import { z } from "zod";
import { scopeOf, type UserRole } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, Uuid, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { NewWebhook, WebhookView } from "./views.js";
import { DEFAULT_WEBHOOK_POLICY, type WebhookTargetPolicy } from "./webhook-target.js";
import type { WebhookDeps } from "./webhook.store.js";
import { createWebhook, deleteWebhook, listWebhooks } from "./webhooks.js";

const MANAGERS: readonly UserRole[] = ["admin", "noc", "customer"];
const Filter = Pagination.extend({
  contractId: Uuid.optional(),
  staff: z.enum(["true", "false"]).optional().describe("true: only staff endpoints"),
});

export function webhooksRoutes(deps: {
  webhooks: WebhookDeps;
  clock: Clock;
  webhookTargets?: WebhookTargetPolicy;
}): RouteDef[] {
  const { webhooks, clock } = deps;
  const policy = deps.webhookTargets ?? DEFAULT_WEBHOOK_POLICY;
  return [
    defineRoute({
      method: "get",
      path: "/webhooks",
      tag: "notifications",
      roles: MANAGERS,
      summary: "List webhook endpoints (customers: their contract's)",
      query: Filter,
      response: page(WebhookView),
      handler: ({ actor, query }) => listWebhooks(webhooks, scopeOf(actor), query),
    }),
    defineRoute({
      method: "post",
      path: "/webhooks",
      tag: "notifications",
      roles: MANAGERS,
      summary: "Create a webhook endpoint; the signing secret is returned once",
      status: 201,
      body: NewWebhook,
      response: WebhookView.extend({ secret: z.string().describe("HMAC-SHA256 key; shown once") }),
      handler: ({ actor, body }) =>
        createWebhook({ ...webhooks, policy }, actor, scopeOf(actor), body, clock.now()),
    }),
    defineRoute({
      method: "delete",
      path: "/webhooks/:id",
      tag: "notifications",
      roles: MANAGERS,
      summary: "Delete a webhook endpoint (its queued messages end as skipped)",
      params: IdParams,
      status: 204,
      handler: ({ actor, params }) =>
        deleteWebhook(webhooks, actor, scopeOf(actor), params.id, clock.now()),
    }),
  ];
}
