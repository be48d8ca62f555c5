// API keys of the actor, and an admin's view of any user's sessions and keys.
import { z } from "zod";
import type { Actor } from "../access/actor.js";
import type { CredentialEntity } from "../db/entities/index.js";
import { AppError, notFound } from "../shared/errors.js";
import { issueCredential } from "./credentials.js";
import type { AccountsDeps } from "./deps.js";

type Deps = Pick<AccountsDeps, "uow" | "users" | "credentials" | "audit">;

export const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revoked: z.boolean(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;
export const CredentialView = ApiKeyView.extend({
  kind: z.enum(["session", "api_key"]),
  lastUsedAt: z.iso.datetime().nullable(),
  expired: z.boolean(),
});
export type CredentialView = z.infer<typeof CredentialView>;

const toKeyView = (c: CredentialEntity): ApiKeyView => ({
  id: c.id,
  name: c.name,
  prefix: c.prefix,
  createdAt: c.createdAt.toISOString(),
  expiresAt: c.expiresAt?.toISOString() ?? null,
  revoked: c.revokedAt !== null,
});

export async function listApiKeys(
  deps: Pick<Deps, "credentials">,
  actor: Actor,
): Promise<ApiKeyView[]> {
  return (await deps.credentials.apiKeysOf(actor.userId)).map(toKeyView);
}

export async function createApiKey(
  deps: Pick<Deps, "uow" | "credentials" | "audit">,
  actor: Actor,
  input: { name: string; expiresAt: string | null },
  now: Date,
): Promise<ApiKeyView & { secret: string }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now)
    throw new AppError("VALIDATION", "expiry in the past", [
      { path: "expiresAt", message: "must be in the future" },
    ]);
  return deps.uow.transaction(async (tx) => {
    const cred = await issueCredential(
      deps,
      { kind: "api_key", userId: actor.userId, name: input.name, expiresAt },
      tx,
    );
    const view = toKeyView(cred.row);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "api_key.create",
      entityType: "api_key",
      entityId: cred.row.id,
      contractId: actor.contractId,
      before: null,
      after: view,
    });
    return { ...view, secret: cred.secret };
  });
}

/** Admins may revoke anyone's key; others only their own. Returns the key's owner. */
export async function revokeApiKey(
  deps: Pick<Deps, "uow" | "credentials" | "audit">,
  actor: Actor,
  id: string,
  now: Date,
): Promise<string> {
  return deps.uow.transaction(async (tx) => {
    const row = await deps.credentials.find({ id, kind: "api_key" }, tx);
    if (!row || (row.userId !== actor.userId && actor.role !== "admin")) throw notFound("API key");
    const before = toKeyView(row);
    await deps.credentials.revoke(row.id, now, tx);
    const after = toKeyView((await deps.credentials.find({ id: row.id }, tx)) ?? row);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: "api_key.revoke",
      entityType: "api_key",
      entityId: row.id,
      contractId: null,
      before,
      after,
    });
    return row.userId;
  });
}

export async function listUserCredentials(
  deps: Pick<Deps, "users" | "credentials">,
  userId: string,
  query: { live: boolean; limit: number; offset: number },
  now: Date,
) {
  if (!(await deps.users.find(userId))) throw notFound("user");
  const { rows, total } = await deps.credentials.listOf(userId, { ...query, now });
  const items: CredentialView[] = rows.map((c) => ({
    ...toKeyView(c),
    kind: c.kind as "session" | "api_key",
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    expired: c.expiresAt !== null && c.expiresAt <= now,
  }));
  return { items, total, limit: query.limit, offset: query.offset };
}

/** An admin revokes one of a user's sessions or API keys. */
export async function revokeUserCredential(
  deps: Pick<Deps, "uow" | "credentials" | "audit">,
  actor: Actor,
  ids: { userId: string; credentialId: string },
  now: Date,
): Promise<void> {
  await deps.uow.transaction(async (tx) => {
    const row = await deps.credentials.find({ id: ids.credentialId, userId: ids.userId }, tx);
    if (!row) throw notFound("credential");
    await deps.credentials.revoke(row.id, now, tx);
    await deps.audit.record(tx, {
      actor,
      at: now,
      action: `${row.kind}.revoke`,
      entityType: row.kind,
      entityId: row.id,
      contractId: null,
      before: { userId: row.userId, revoked: row.revokedAt !== null },
      after: { userId: row.userId, revoked: true },
    });
  });
}
