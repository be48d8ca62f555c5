// Webhook endpoints: staff endpoints (contractId null) receive pages; a customer's receive
// its contract's incident events. The signing secret is shown once, at creation.
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Actor, ContractScope } from "../access/actor.js";
import { AppError, notFound } from "../shared/errors.js";
import { toWebhookView, type NewWebhook } from "./views.js";
import { assertWebhookTarget, type WebhookTargetPolicy } from "./webhook-target.js";
import type { WebhookDeps } from "./webhook.store.js";

export async function listWebhooks(
  deps: WebhookDeps,
  scope: ContractScope,
  q: {
    contractId?: string | undefined;
    staff?: "true" | "false" | undefined;
    limit: number;
    offset: number;
  },
) {
  const contractId =
    scope.kind === "contract" ? scope.contractId : q.staff === "true" ? null : q.contractId;
  const { rows, total } = await deps.store.list({
    ...(contractId === undefined ? {} : { contractId }),
    limit: q.limit,
    offset: q.offset,
  });
  return { items: rows.map(toWebhookView), total, limit: q.limit, offset: q.offset };
}

export async function createWebhook(
  deps: WebhookDeps & { policy: WebhookTargetPolicy },
  actor: Actor,
  scope: ContractScope,
  body: z.infer<typeof NewWebhook>,
  now: Date,
) {
  const contractId =
    scope.kind === "contract" ? (body.contractId ?? scope.contractId) : (body.contractId ?? null);
  if (scope.kind === "contract" && !body.url.startsWith("https://")) {
    throw new AppError("VALIDATION", "a customer webhook must use https", [
      { path: "url", message: "must be https://" },
    ]);
  }
  // Only staff endpoints (no contract) may use the operator's private allow-list.
  await assertWebhookTarget(body.url, { staff: contractId === null, policy: deps.policy });
  const { uow, store } = deps;
  return uow.transaction(async (tx) => {
    if (contractId) await store.assertContract(tx, scope, contractId);
    const secret = randomBytes(32).toString("base64url");
    const saved = await store.add(tx, {
      contractId,
      name: body.name,
      url: body.url,
      events: body.events,
      secret,
    });
    const view = toWebhookView(saved);
    await store.audit(tx, {
      actor,
      at: now,
      action: "webhook.create",
      entityType: "webhook_endpoint",
      entityId: saved.id,
      contractId,
      before: null,
      after: view,
    });
    return { ...view, secret };
  });
}

/** Its queued messages end as skipped (the channel finds the endpoint gone). */
export async function deleteWebhook(
  deps: WebhookDeps,
  actor: Actor,
  scope: ContractScope,
  id: string,
  now: Date,
): Promise<void> {
  const { uow, store } = deps;
  await uow.transaction(async (tx) => {
    const row = await store.get(tx, id);
    if (!row || (scope.kind === "contract" && row.contractId !== scope.contractId))
      throw notFound("webhook");
    await store.remove(tx, row.id);
    await store.audit(tx, {
      actor,
      at: now,
      action: "webhook.delete",
      entityType: "webhook_endpoint",
      entityId: row.id,
      contractId: row.contractId,
      before: toWebhookView(row),
      after: null,
    });
  });
}
