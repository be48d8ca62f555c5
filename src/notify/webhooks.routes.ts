// Webhook endpoints: staff endpoints (contractId null) receive pages; a customer's receive
// its contract's incident events. The signing secret is shown once, at creation.
import { randomBytes } from "node:crypto";
import { IsNull, type DataSource } from "typeorm";
import { z } from "zod";
import { scopeOf, type UserRole } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { getContract } from "../contracts/scoped.js";
import { WebhookEndpointEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, Uuid, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { AppError, notFound } from "../shared/errors.js";
import { NewWebhook, toWebhookView, WebhookView } from "./views.js";
import {
  assertWebhookTarget,
  DEFAULT_WEBHOOK_POLICY,
  type WebhookTargetPolicy,
} from "./webhook-target.js";

const MANAGERS: readonly UserRole[] = ["admin", "noc", "customer"];
const Filter = Pagination.extend({
  contractId: Uuid.optional(),
  staff: z.enum(["true", "false"]).optional().describe("true: only staff endpoints"),
});

export function webhooksRoutes(deps: {
  db: DataSource;
  clock: Clock;
  webhookTargets?: WebhookTargetPolicy;
}): RouteDef[] {
  const { db, clock } = deps;
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
      handler: async ({ actor, query }) => {
        const scope = scopeOf(actor);
        const where =
          scope.kind === "contract"
            ? { contractId: scope.contractId }
            : query.staff === "true"
              ? { contractId: IsNull() }
              : query.contractId
                ? { contractId: query.contractId }
                : {};
        const [rows, total] = await db.getRepository(WebhookEndpointEntity).findAndCount({
          where,
          order: { createdAt: "ASC", id: "ASC" },
          take: query.limit,
          skip: query.offset,
        });
        return { items: rows.map(toWebhookView), total, limit: query.limit, offset: query.offset };
      },
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
      handler: async ({ actor, body }) => {
        const scope = scopeOf(actor);
        const contractId =
          scope.kind === "contract"
            ? (body.contractId ?? scope.contractId)
            : (body.contractId ?? null);
        if (scope.kind === "contract" && !body.url.startsWith("https://")) {
          throw new AppError("VALIDATION", "a customer webhook must use https", [
            { path: "url", message: "must be https://" },
          ]);
        }
        // Only staff endpoints (no contract) may use the operator's private allow-list.
        await assertWebhookTarget(body.url, { staff: contractId === null, policy });
        return await db.transaction(async (tx) => {
          if (contractId) await getContract(tx, scope, contractId);
          const secret = randomBytes(32).toString("base64url");
          const saved = await tx.save(
            WebhookEndpointEntity,
            tx.create(WebhookEndpointEntity, {
              contractId,
              name: body.name,
              url: body.url,
              events: body.events,
              secret,
            }),
          );
          const view = toWebhookView(saved);
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: "webhook.create",
            entityType: "webhook_endpoint",
            entityId: saved.id,
            contractId,
            before: null,
            after: view,
          });
          return { ...view, secret };
        });
      },
    }),
    defineRoute({
      method: "delete",
      path: "/webhooks/:id",
      tag: "notifications",
      roles: MANAGERS,
      summary: "Delete a webhook endpoint (its queued messages end as skipped)",
      params: IdParams,
      status: 204,
      handler: async ({ actor, params }) => {
        const scope = scopeOf(actor);
        await db.transaction(async (tx) => {
          const row = await tx.findOneBy(WebhookEndpointEntity, { id: params.id });
          if (!row || (scope.kind === "contract" && row.contractId !== scope.contractId))
            throw notFound("webhook");
          await tx.delete(WebhookEndpointEntity, { id: row.id });
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: "webhook.delete",
            entityType: "webhook_endpoint",
            entityId: row.id,
            contractId: row.contractId,
            before: toWebhookView(row),
            after: null,
          });
        });
      },
    }),
  ];
}
