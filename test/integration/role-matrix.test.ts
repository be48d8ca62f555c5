import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_ROLES, type UserRole } from "../../src/access/actor.js";
import { allRoutes } from "../../src/platform/routes.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

// Every declared route × every role: a role the route does not list gets 403, anyone
// without credentials 401, and a listed role gets past authorization (any other status).
const ROUTES = allRoutes({ db: null as never, clock: null as never, sessionTtlMs: 1 });
const ZERO_ID = "00000000-0000-4000-8000-000000000000";
const pathOf = (p: string) => p.replace(/:[A-Za-z]+/g, ZERO_ID);

describe("role matrix", () => {
  let app: TestApp;
  const tokens = {} as Record<UserRole, string>;
  const emails = {} as Record<UserRole, { email: string; password: string }>;
  // Logging out revokes the token the matrix uses, so log in again after that route.
  const relogin = async () => {
    for (const role of USER_ROLES) {
      tokens[role] = (
        await app.api("post", "/auth/login", { token: null, body: emails[role] })
      ).body.token;
    }
  };
  beforeAll(async () => {
    app = await startTestApp();
    const { contract } = await makeContract(app.api);
    for (const role of USER_ROLES) {
      const u = await makeUser(app.api, role, role === "customer" ? contract.id : null);
      emails[role] = { email: u.user.email, password: u.password };
    }
    await relogin();
  });
  afterAll(() => app?.stop());

  const protectedRoutes = ROUTES.filter((r) => r.roles !== "public");
  it("covers every route of the API", () => {
    expect(protectedRoutes.length).toBeGreaterThan(20);
  });

  for (const route of protectedRoutes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    it(`${name}: 401 without credentials, 403 for roles it does not list`, async () => {
      const anon = await app.api(route.method, pathOf(route.path), {
        token: null,
        body: route.body ? {} : undefined,
      });
      expect(anon.status).toBe(401);
      expect(anon.body.code).toBe("UNAUTHORIZED");
      for (const role of USER_ROLES) {
        const res = await app.api(route.method, pathOf(route.path), {
          token: tokens[role],
          body: route.body ? {} : undefined,
        });
        const allowed = (route.roles as readonly string[]).includes(role);
        if (allowed) expect([401, 403], `${role} should pass ${name}`).not.toContain(res.status);
        else {
          expect(res.status, `${role} must be refused ${name}`).toBe(403);
          expect(res.body.code).toBe("FORBIDDEN");
        }
      }
      if (route.path === "/auth/logout") await relogin();
    });
  }

  it("refuses a revoked session", async () => {
    const u = await makeUser(app.api, "noc");
    expect((await app.api("get", "/auth/me", { token: u.token })).status).toBe(200);
    expect((await app.api("post", "/auth/logout", { token: u.token })).status).toBe(204);
    expect((await app.api("get", "/auth/me", { token: u.token })).status).toBe(401);
  });

  it("refuses an expired session (clock injected)", async () => {
    const u = await makeUser(app.api, "oncall");
    app.clock.advance(13 * 3_600_000); // default TTL is 12 h
    const res = await app.api("get", "/auth/me", { token: u.token });
    app.clock.advance(-13 * 3_600_000);
    expect(res.status).toBe(401);
  });

  it("an API key acts with its owner's role until revoked", async () => {
    const u = await makeUser(app.api, "noc");
    const key = await app.api("post", "/api-keys", {
      token: u.token,
      body: { name: "automation" },
    });
    expect(key.status).toBe(201);
    expect((await app.api("get", "/contracts", { token: key.body.secret })).status).toBe(200);
    expect((await app.api("get", "/users", { token: key.body.secret })).status).toBe(403);
    expect((await app.api("delete", `/api-keys/${key.body.id}`, { token: u.token })).status).toBe(
      204,
    );
    expect((await app.api("get", "/contracts", { token: key.body.secret })).status).toBe(401);
  });

  it("rejects a wrong password without saying which part was wrong", async () => {
    const res = await app.api("post", "/auth/login", {
      token: null,
      body: { email: "nobody@example.jp", password: "x" },
    });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("wrong e-mail or password");
  });
});
