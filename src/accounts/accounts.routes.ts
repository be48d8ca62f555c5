import { IsNull } from "typeorm";
import { z } from "zod";
import { USER_ROLES } from "../access/actor.js";
import { recordAudit } from "../audit/audit.js";
import { CredentialEntity, UserEntity } from "../db/entities/index.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { DataSource } from "typeorm";
import { AppError, notFound } from "../shared/errors.js";
import { SESSION_COOKIE } from "./authenticate.js";
import { issueCredential } from "./credentials.js";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords.js";
import type { SecurityEvents } from "../infra/security-events.js";
import { LoginThrottle, type ThrottleSettings } from "./login-throttle.js";
import {
  createUser,
  disableUser,
  enableUser,
  NewUser,
  resetPassword,
  revokeUserCredentials,
  toUserView,
  UserView,
} from "./users.js";

export interface AccountsDeps {
  db: DataSource;
  clock: Clock;
  sessionTtlMs: number;
  /** Told when credentials are revoked (the realtime server closes their sockets). */
  security?: SecurityEvents;
  loginThrottle?: ThrottleSettings;
}

const Login = z.strictObject({
  email: z
    .string()
    .trim()
    .min(3)
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(200),
});
const LoginResult = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  user: UserView,
  mustChangePassword: z.boolean(),
});
const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revoked: z.boolean(),
});
const CredentialView = ApiKeyView.extend({
  kind: z.enum(["session", "api_key"]),
  lastUsedAt: z.iso.datetime().nullable(),
  expired: z.boolean(),
});
const CredentialParams = z.object({ id: z.uuid(), credentialId: z.uuid() });
const toKeyView = (c: CredentialEntity) => ({
  id: c.id,
  name: c.name,
  prefix: c.prefix,
  createdAt: c.createdAt.toISOString(),
  expiresAt: c.expiresAt?.toISOString() ?? null,
  revoked: c.revokedAt !== null,
});

export function accountsRoutes(deps: AccountsDeps): RouteDef[] {
  const { db, clock } = deps;
  const throttle = new LoginThrottle(db, deps.loginThrottle);
  const revoked = (userId: string, credentialIds: string[] | "all") => {
    if (credentialIds === "all" || credentialIds.length > 0)
      deps.security?.publish({ kind: "credentials_revoked", userId, credentialIds });
  };
  return [
    defineRoute({
      method: "post",
      path: "/auth/login",
      tag: "auth",
      roles: "public",
      summary: "Log in",
      body: Login,
      response: LoginResult,
      handler: async ({ body, req, res }) => {
        const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
        await throttle.assertAllowed(body.email, address, clock.now());
        const user = await db.getRepository(UserEntity).findOneBy({ email: body.email });
        const ok = await verifyPassword(
          user?.passwordHash ?? (await dummyPasswordHash()),
          body.password,
        );
        if (!user || !ok || user.disabledAt) {
          await throttle.recordFailure(body.email, address, clock.now());
          throw new AppError("UNAUTHORIZED", "wrong e-mail or password");
        }
        await throttle.recordSuccess(body.email);
        const expiresAt = new Date(clock.now().getTime() + deps.sessionTtlMs);
        const cred = await issueCredential(db.manager, {
          kind: "session",
          userId: user.id,
          name: null,
          expiresAt,
        });
        res.cookie(SESSION_COOKIE, cred.secret, {
          httpOnly: true,
          sameSite: "strict",
          secure: res.req.secure,
          expires: expiresAt,
          path: "/",
        });
        return {
          token: cred.secret,
          expiresAt: expiresAt.toISOString(),
          user: toUserView(user),
          mustChangePassword: user.mustChangePassword,
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/auth/logout",
      tag: "auth",
      roles: USER_ROLES,
      summary: "Log out (revoke this session)",
      allowWhilePasswordChangeRequired: true,
      status: 204,
      handler: async ({ actor, res }) => {
        await db
          .getRepository(CredentialEntity)
          .update({ id: actor.credentialId }, { revokedAt: clock.now() });
        revoked(actor.userId, [actor.credentialId]);
        res.clearCookie(SESSION_COOKIE, { path: "/" });
      },
    }),
    defineRoute({
      method: "get",
      path: "/auth/me",
      tag: "auth",
      roles: USER_ROLES,
      summary: "Who am I",
      allowWhilePasswordChangeRequired: true,
      response: UserView.extend({ mustChangePassword: z.boolean() }),
      handler: async ({ actor }) => {
        const user = await db.getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
        return { ...toUserView(user), mustChangePassword: user.mustChangePassword };
      },
    }),
    defineRoute({
      method: "post",
      path: "/auth/password",
      tag: "auth",
      roles: USER_ROLES,
      summary: "Change own password (revokes every other session and API key)",
      allowWhilePasswordChangeRequired: true,
      status: 204,
      body: z.strictObject({
        currentPassword: z.string().min(1).max(200),
        newPassword: z.string().min(12).max(200),
      }),
      handler: async ({ actor, body }) => {
        const user = await db.getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
        if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
          throw new AppError("VALIDATION", "current password is wrong", [
            { path: "currentPassword", message: "does not match" },
          ]);
        }
        if (body.newPassword === body.currentPassword)
          throw new AppError("VALIDATION", "the new password must differ", [
            { path: "newPassword", message: "must differ from the current password" },
          ]);
        const passwordHash = await hashPassword(body.newPassword);
        const ids = await db.transaction(async (tx) => {
          await tx.update(UserEntity, { id: user.id }, { passwordHash, mustChangePassword: false });
          const ids = await revokeUserCredentials(tx, user.id, clock.now(), actor.credentialId);
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: "user.password_change",
            entityType: "user",
            entityId: user.id,
            contractId: user.contractId,
            before: null,
            after: { credentialsRevoked: ids.length },
          });
          return ids;
        });
        revoked(user.id, ids);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api-keys",
      tag: "auth",
      roles: USER_ROLES,
      summary: "List my API keys",
      response: z.array(ApiKeyView),
      handler: async ({ actor }) =>
        (
          await db
            .getRepository(CredentialEntity)
            .find({ where: { userId: actor.userId, kind: "api_key" }, order: { createdAt: "ASC" } })
        ).map(toKeyView),
    }),
    defineRoute({
      method: "post",
      path: "/api-keys",
      tag: "auth",
      roles: USER_ROLES,
      summary: "Create an API key",
      status: 201,
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
      }),
      response: ApiKeyView.extend({ secret: z.string() }),
      handler: async ({ actor, body }) => {
        const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
        if (expiresAt && expiresAt <= clock.now())
          throw new AppError("VALIDATION", "expiry in the past", [
            { path: "expiresAt", message: "must be in the future" },
          ]);
        return db.transaction(async (tx) => {
          const cred = await issueCredential(tx, {
            kind: "api_key",
            userId: actor.userId,
            name: body.name,
            expiresAt,
          });
          const row = await tx.findOneByOrFail(CredentialEntity, { id: cred.id });
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: "api_key.create",
            entityType: "api_key",
            entityId: cred.id,
            contractId: actor.contractId,
            before: null,
            after: toKeyView(row),
          });
          return { ...toKeyView(row), secret: cred.secret };
        });
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api-keys/:id",
      tag: "auth",
      roles: USER_ROLES,
      summary: "Revoke an API key",
      params: IdParams,
      status: 204,
      handler: async ({ actor, params }) => {
        const owner = await db.transaction(async (tx) => {
          const row = await tx.findOneBy(CredentialEntity, { id: params.id, kind: "api_key" });
          // Admins may revoke anyone's key; others only their own.
          if (!row || (row.userId !== actor.userId && actor.role !== "admin"))
            throw notFound("API key");
          const before = toKeyView(row);
          await tx.update(
            CredentialEntity,
            { id: row.id, revokedAt: IsNull() },
            { revokedAt: clock.now() },
          );
          const after = toKeyView(await tx.findOneByOrFail(CredentialEntity, { id: row.id }));
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: "api_key.revoke",
            entityType: "api_key",
            entityId: row.id,
            contractId: null,
            before,
            after,
          });
          return row.userId;
        });
        revoked(owner, [params.id]);
      },
    }),
    defineRoute({
      method: "get",
      path: "/users",
      tag: "users",
      roles: ["admin"],
      summary: "List users",
      query: Pagination,
      response: page(UserView),
      handler: async ({ query }) => {
        const [rows, total] = await db
          .getRepository(UserEntity)
          .findAndCount({ order: { createdAt: "ASC" }, take: query.limit, skip: query.offset });
        return { items: rows.map(toUserView), total, ...query };
      },
    }),
    defineRoute({
      method: "post",
      path: "/users",
      tag: "users",
      roles: ["admin"],
      summary: "Create a user",
      status: 201,
      body: NewUser,
      response: z.object({ user: UserView, oneTimePassword: z.string().nullable() }),
      handler: async ({ actor, body }) => createUser(db, actor, body, clock.now()),
    }),
    defineRoute({
      method: "post",
      path: "/users/:id/disable",
      tag: "users",
      roles: ["admin"],
      summary: "Disable a user and revoke their sessions, API keys and open sockets",
      params: IdParams,
      response: UserView,
      handler: async ({ actor, params }) => {
        const user = await disableUser(db, actor, params.id, clock.now());
        revoked(user.id, "all");
        return user;
      },
    }),
    defineRoute({
      method: "post",
      path: "/users/:id/enable",
      tag: "users",
      roles: ["admin"],
      summary: "Re-enable a disabled user (revoked credentials stay revoked)",
      params: IdParams,
      response: UserView,
      handler: ({ actor, params }) => enableUser(db, actor, params.id, clock.now()),
    }),
    defineRoute({
      method: "post",
      path: "/users/:id/password-reset",
      tag: "users",
      roles: ["admin"],
      summary: "Reset a password: one-time, must be changed; revokes sessions and API keys",
      params: IdParams,
      response: z.object({ user: UserView, oneTimePassword: z.string() }),
      handler: async ({ actor, params }) => {
        const result = await resetPassword(db, actor, params.id, clock.now());
        revoked(result.user.id, "all");
        return result;
      },
    }),
    defineRoute({
      method: "get",
      path: "/users/:id/credentials",
      tag: "users",
      roles: ["admin"],
      summary: "List a user's sessions and API keys (newest first)",
      params: IdParams,
      query: Pagination.extend({ live: z.enum(["true", "false"]).default("true") }),
      response: page(CredentialView),
      handler: async ({ params, query }) => {
        if (!(await db.getRepository(UserEntity).existsBy({ id: params.id })))
          throw notFound("user");
        const now = clock.now();
        const qb = db
          .getRepository(CredentialEntity)
          .createQueryBuilder("c")
          .where("c.user_id = :id", { id: params.id });
        if (query.live === "true")
          qb.andWhere("c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > :now)", {
            now,
          });
        const [rows, total] = await qb
          .orderBy("c.created_at", "DESC")
          .addOrderBy("c.id", "ASC")
          .take(query.limit)
          .skip(query.offset)
          .getManyAndCount();
        return {
          items: rows.map((c) => ({
            ...toKeyView(c),
            kind: c.kind as "session" | "api_key",
            lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
            expired: c.expiresAt !== null && c.expiresAt <= now,
          })),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/users/:id/credentials/:credentialId",
      tag: "users",
      roles: ["admin"],
      summary: "Revoke one of a user's sessions or API keys",
      params: CredentialParams,
      status: 204,
      handler: async ({ actor, params }) => {
        await db.transaction(async (tx) => {
          const row = await tx.findOneBy(CredentialEntity, {
            id: params.credentialId,
            userId: params.id,
          });
          if (!row) throw notFound("credential");
          await tx.update(
            CredentialEntity,
            { id: row.id, revokedAt: IsNull() },
            { revokedAt: clock.now() },
          );
          await recordAudit(tx, {
            actor,
            at: clock.now(),
            action: `${row.kind}.revoke`,
            entityType: row.kind,
            entityId: row.id,
            contractId: null,
            before: { userId: row.userId, revoked: row.revokedAt !== null },
            after: { userId: row.userId, revoked: true },
          });
        });
        revoked(params.id, [params.credentialId]);
      },
    }),
  ];
}
