// The accounts API: log in/out, own password and API keys, and the admin's users and
// credentials. Routes validate, call a use case and shape the response (cookies, events).
import { z } from "zod";
import { USER_ROLES } from "../access/actor.js";
import { defineRoute, IdParams, page, Pagination, type RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import type { SecurityEvents } from "../infra/security-events.js";
import {
  ApiKeyView,
  createApiKey,
  CredentialView,
  listApiKeys,
  listUserCredentials,
  revokeApiKey,
  revokeUserCredential,
} from "./api-keys.js";
import { SESSION_COOKIE } from "./authenticate.js";
import type { AccountsDeps } from "./deps.js";
import { LoginThrottle, type ThrottleSettings } from "./login-throttle.js";
import { changePassword, logIn, logOut, whoAmI } from "./sessions.js";
import {
  createUser,
  disableUser,
  enableUser,
  listUsers,
  NewUser,
  resetPassword,
  UserView,
} from "./users.js";

export type AccountsRouteDeps = AccountsDeps & {
  clock: Clock;
  sessionTtlMs: number;
  /** Told when credentials are revoked (the realtime server closes their sockets). */
  security?: SecurityEvents;
  loginThrottle?: ThrottleSettings;
};

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
const CredentialParams = z.object({ id: z.uuid(), credentialId: z.uuid() });

type Revoked = (userId: string, credentialIds: string[] | "all") => void;

export function accountsRoutes(deps: AccountsRouteDeps): RouteDef[] {
  const revoked: Revoked = (userId, credentialIds) => {
    if (credentialIds === "all" || credentialIds.length > 0)
      deps.security?.publish({ kind: "credentials_revoked", userId, credentialIds });
  };
  return [
    ...authRoutes(deps, revoked),
    ...apiKeyRoutes(deps, revoked),
    ...userRoutes(deps, revoked),
  ];
}

function authRoutes(deps: AccountsRouteDeps, revoked: Revoked): RouteDef[] {
  const throttle = new LoginThrottle(deps, deps.loginThrottle);
  const now = () => deps.clock.now();
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
        const { sessionTtlMs } = deps;
        const result = await logIn(
          { ...deps, throttle },
          { ...body, address, sessionTtlMs },
          now(),
        );
        res.cookie(SESSION_COOKIE, result.token, {
          httpOnly: true,
          sameSite: "strict",
          secure: res.req.secure,
          expires: result.expiresAt,
          path: "/",
        });
        return { ...result, expiresAt: result.expiresAt.toISOString() };
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
        await logOut(deps, actor, now());
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
      handler: ({ actor }) => whoAmI(deps, actor),
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
        revoked(actor.userId, await changePassword(deps, actor, body, now()));
      },
    }),
  ];
}

function apiKeyRoutes(deps: AccountsRouteDeps, revoked: Revoked): RouteDef[] {
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/api-keys",
      tag: "auth",
      roles: USER_ROLES,
      summary: "List my API keys",
      response: z.array(ApiKeyView),
      handler: ({ actor }) => listApiKeys(deps, actor),
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
      handler: ({ actor, body }) => createApiKey(deps, actor, body, now()),
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
        revoked(await revokeApiKey(deps, actor, params.id, now()), [params.id]);
      },
    }),
  ];
}

function userRoutes(deps: AccountsRouteDeps, revoked: Revoked): RouteDef[] {
  const now = () => deps.clock.now();
  return [
    defineRoute({
      method: "get",
      path: "/users",
      tag: "users",
      roles: ["admin"],
      summary: "List users",
      query: Pagination,
      response: page(UserView),
      handler: ({ query }) => listUsers(deps, query),
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
      handler: ({ actor, body }) => createUser(deps, actor, body, now()),
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
        const user = await disableUser(deps, actor, params.id, now());
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
      handler: ({ actor, params }) => enableUser(deps, actor, params.id, now()),
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
        const result = await resetPassword(deps, actor, params.id, now());
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
      handler: ({ params, query }) =>
        listUserCredentials(deps, params.id, { ...query, live: query.live === "true" }, now()),
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
        await revokeUserCredential(
          deps,
          actor,
          { userId: params.id, credentialId: params.credentialId },
          now(),
        );
        revoked(params.id, [params.credentialId]);
      },
    }),
  ];
}
