import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disableUserCommand, resetPasswordCommand } from "../../src/cli/commands/users.js";
import { postRemoteWrite } from "../../src/ingest/test-helpers.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { connect, type ConnectError } from "./realtime.helpers.js";

// Offboarding and the account lifecycle: disabling a user, admin resets, password changes,
// one-time passwords, login throttling, the CLI fallback, and how fast revocation bites
// (API, cookie, sockets, agent tokens).
describe("account security", () => {
  let app: TestApp;
  let addressSeq = 0;
  /** A fresh client address per test (TRUST_PROXY is on), so throttling counters stay apart. */
  const newAddress = () => `198.18.0.${++addressSeq}`;

  const login = (email: string, password: string, address = "192.0.2.1") =>
    app.api("post", "/auth/login", {
      token: null,
      body: { email, password },
      headers: { "x-forwarded-for": address },
    });
  const me = (token: string) => app.api("get", "/auth/me", { token });
  const withCookie = (secret: string) =>
    app.api("get", "/auth/me", { token: null, headers: { cookie: `msp_session=${secret}` } });
  const newApiKey = async (token: string) => {
    const res = await app.api("post", "/api-keys", { token, body: { name: "ci" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.secret as string;
  };
  const closedSoon = (socket: Socket) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const timer = setTimeout(() => reject(new Error("socket still open after 2 s")), 2_000);
      socket.once("disconnect", () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });

  beforeAll(async () => {
    app = await startTestApp({
      env: { ROLES: "api,collector,realtime", TRUST_PROXY: "true" },
    });
  });
  afterAll(() => app?.stop());

  it("disable: the user's session, cookie, API key and socket stop at once; logins are refused", async () => {
    const noc = await makeUser(app.api, "noc");
    const key = await newApiKey(noc.token);
    const socket = await connect(app.url, { token: noc.token });
    const keySocket = await connect(app.url, { token: key });
    const errors: { code: string }[] = [];
    socket.on("error", (e: { code: string }) => errors.push(e));
    expect((await me(noc.token)).status).toBe(200);

    const closed = Promise.all([closedSoon(socket), closedSoon(keySocket)]);
    const res = await app.api("post", `/users/${noc.user.id}/disable`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.disabled).toBe(true);
    const ms = await closed;
    expect(Math.max(...ms)).toBeLessThan(1_000); // not at the next 60 s re-check
    expect(errors.map((e) => e.code)).toContain("UNAUTHORIZED");

    expect((await me(noc.token)).status).toBe(401);
    expect((await withCookie(noc.token)).status).toBe(401);
    expect((await me(key)).status).toBe(401);
    expect((await login(noc.user.email, noc.password, newAddress())).status).toBe(401);
    const refused = await connect(app.url, { token: key }).catch((e: ConnectError) => e);
    expect((refused as ConnectError).data?.code).toBe("UNAUTHORIZED");

    const live = await app.api("get", `/users/${noc.user.id}/credentials`);
    expect(live.body).toMatchObject({ items: [], total: 0 });
    const all = await app.api("get", `/users/${noc.user.id}/credentials?live=false`);
    expect(all.body.items.map((c: any) => [c.kind, c.revoked]).sort()).toEqual([
      ["api_key", true],
      ["session", true],
    ]);
    const audit = await app.api("get", `/audit-log?entityType=user&entityId=${noc.user.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: "user.disable",
      after: { disabled: true, credentialsRevoked: 2 },
    });

    // Disabling again is harmless; the admin cannot disable themself; unknown users are 404.
    expect((await app.api("post", `/users/${noc.user.id}/disable`)).status).toBe(200);
    const self = (await app.api("get", "/auth/me")).body.id;
    expect((await app.api("post", `/users/${self}/disable`)).status).toBe(412);
    expect(
      (await app.api("post", `/users/00000000-0000-4000-8000-000000000000/disable`)).status,
    ).toBe(404);
    // Re-enabled, the user logs in again; the old credentials stay dead.
    expect((await app.api("post", `/users/${noc.user.id}/enable`)).body.disabled).toBe(false);
    expect((await login(noc.user.email, noc.password, newAddress())).status).toBe(200);
    expect((await me(noc.token)).status).toBe(401);
  });

  it("only an admin offboards, lists or revokes another user's credentials", async () => {
    const noc = await makeUser(app.api, "noc");
    const victim = await makeUser(app.api, "oncall");
    for (const [method, path] of [
      ["post", `/users/${victim.user.id}/disable`],
      ["post", `/users/${victim.user.id}/password-reset`],
      ["get", `/users/${victim.user.id}/credentials`],
    ] as const)
      expect((await app.api(method, path, { token: noc.token })).status, path).toBe(403);
    expect((await me(victim.token)).status).toBe(200);
  });

  it("an admin lists a user's sessions and keys and revokes one; its socket closes", async () => {
    const oncall = await makeUser(app.api, "oncall");
    const second = (await login(oncall.user.email, oncall.password, newAddress())).body.token;
    const key = await newApiKey(oncall.token);
    const list = await app.api("get", `/users/${oncall.user.id}/credentials`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((c: any) => c.kind).sort()).toEqual([
      "api_key",
      "session",
      "session",
    ]);
    const secondId = (await app.api("get", "/auth/me", { token: second })).status; // 200
    expect(secondId).toBe(200);
    const socket = await connect(app.url, { token: second });
    const keep = await connect(app.url, { token: oncall.token });
    // The newest session is listed first.
    const target = list.body.items.find((c: any) => c.kind === "session").id;
    const closed = closedSoon(socket);
    expect((await app.api("delete", `/users/${oncall.user.id}/credentials/${target}`)).status).toBe(
      204,
    );
    await closed;
    expect((await me(second)).status).toBe(401);
    expect((await me(oncall.token)).status).toBe(200);
    expect((await me(key)).status).toBe(200);
    expect(keep.connected).toBe(true);
    keep.close();
    // Someone else's credential under this user's id is not found.
    const other = await makeUser(app.api, "oncall");
    const theirs = (await app.api("get", `/users/${other.user.id}/credentials`)).body.items[0].id;
    expect((await app.api("delete", `/users/${oncall.user.id}/credentials/${theirs}`)).status).toBe(
      404,
    );
  });

  it("a password change revokes the user's other sessions and keys, not the current one", async () => {
    const oncall = await makeUser(app.api, "oncall");
    const other = (await login(oncall.user.email, oncall.password, newAddress())).body.token;
    const key = await newApiKey(oncall.token);
    const socket = await connect(app.url, { token: other });
    const closed = closedSoon(socket);
    const wrong = await app.api("post", "/auth/password", {
      token: oncall.token,
      body: { currentPassword: "not-my-password", newPassword: "a-new-long-password" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues[0].path).toBe("currentPassword");
    expect((await me(other)).status).toBe(200); // a refused change revokes nothing
    const same = await app.api("post", "/auth/password", {
      token: oncall.token,
      body: { currentPassword: oncall.password, newPassword: oncall.password },
    });
    expect(same.body.issues[0].path).toBe("newPassword");
    const ok = await app.api("post", "/auth/password", {
      token: oncall.token,
      body: { currentPassword: oncall.password, newPassword: "a-new-long-password" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(204);
    await closed;
    expect((await me(other)).status).toBe(401);
    expect((await me(key)).status).toBe(401);
    expect((await me(oncall.token)).status).toBe(200);
    expect((await login(oncall.user.email, oncall.password, newAddress())).status).toBe(401);
    expect((await login(oncall.user.email, "a-new-long-password", newAddress())).status).toBe(200);
  });

  it("a one-time password only lets the user change it (and log out, and read themself)", async () => {
    const created = await app.api("post", "/users", {
      body: { email: "otp@example.jp", displayName: "OTP", role: "noc" },
    });
    const otp = created.body.oneTimePassword as string;
    const first = await login("otp@example.jp", otp, newAddress());
    expect(first.body.mustChangePassword).toBe(true);
    const token = first.body.token as string;
    const blocked = await app.api("get", "/contracts", { token });
    expect(blocked.status).toBe(403);
    expect(blocked.body.reason).toBe("password_change_required");
    expect((await app.api("post", "/api-keys", { token, body: { name: "x" } })).status).toBe(403);
    const self = await me(token);
    expect(self.status).toBe(200);
    expect(self.body.mustChangePassword).toBe(true);
    const socket = await connect(app.url, { token }).catch((e: ConnectError) => e);
    expect((socket as ConnectError).data?.code).toBe("FORBIDDEN");
    const changed = await app.api("post", "/auth/password", {
      token,
      body: { currentPassword: otp, newPassword: "chosen-by-the-user" },
    });
    expect(changed.status).toBe(204);
    expect((await app.api("get", "/contracts", { token })).status).toBe(200);
    expect((await me(token)).body.mustChangePassword).toBe(false);
  });

  it("an admin reset revokes everything and hands out a one-time password", async () => {
    const customerContract = (await makeContract(app.api)).contract;
    const customer = await makeUser(app.api, "customer", customerContract.id);
    const key = await newApiKey(customer.token);
    const socket = await connect(app.url, { token: customer.token });
    const closed = closedSoon(socket);
    const reset = await app.api("post", `/users/${customer.user.id}/password-reset`);
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    await closed;
    expect((await me(customer.token)).status).toBe(401);
    expect((await me(key)).status).toBe(401);
    expect((await login(customer.user.email, customer.password, newAddress())).status).toBe(401);
    const fresh = await login(customer.user.email, reset.body.oneTimePassword, newAddress());
    expect(fresh.body.mustChangePassword).toBe(true);
    expect(
      (await app.api("get", `/contracts/${customerContract.id}`, { token: fresh.body.token }))
        .status,
    ).toBe(403);
    const audit = await app.api("get", `/audit-log?entityType=user&entityId=${customer.user.id}`);
    expect(audit.body.items[0]).toMatchObject({ action: "user.password_reset" });
  });

  it("the CLI disables a user and resets a password when no admin can log in", async () => {
    const admin = await makeUser(app.api, "admin");
    const out: string[] = [];
    const io = {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void out.push(t),
      readFile: () => Promise.resolve(""),
    };
    const ctx = { now: () => app.clock.now(), db: app.platform.db.dataSource };
    expect(await resetPasswordCommand.run(["--email", admin.user.email], io, ctx)).toBe(0);
    const otp = /one-time password[^:]*: (\S+)/.exec(out.join(""))?.[1];
    expect(otp).toBeDefined();
    expect((await me(admin.token)).status).toBe(401);
    const relogin = await login(admin.user.email, otp!, newAddress());
    expect(relogin.body.mustChangePassword).toBe(true);
    expect(await disableUserCommand.run(["--email", admin.user.email], io, ctx)).toBe(0);
    expect((await me(relogin.body.token)).status).toBe(401);
    await expect(
      disableUserCommand.run(["--email", "nobody@example.jp"], io, ctx),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      disableUserCommand.run(["--email", "not-an-email"], io, ctx),
    ).rejects.toMatchObject({ code: "VALIDATION", issues: [{ path: "--email" }] });
  });

  it("20 wrong passwords lock the account (429 + Retry-After) until the lock passes, audited", async () => {
    const victim = await makeUser(app.api, "oncall");
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 20; i++) {
      // From many addresses: the account counter, not the address one, locks it.
      last = await login(victim.user.email, `wrong-${i}`, newAddress());
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    const retryAfter = Number(last!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The right password is refused while locked, from any address.
    const right = await login(victim.user.email, victim.password, newAddress());
    expect(right.status).toBe(429);
    expect(right.body.code).toBe("LIMIT_EXCEEDED");
    // Sessions issued before are unaffected (a lockout is not an offboarding).
    expect((await me(victim.token)).status).toBe(200);
    const audit = await app.api(
      "get",
      `/audit-log?entityType=login_account&entityId=${encodeURIComponent(victim.user.email)}`,
    );
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: "auth.lockout", actorType: "system" });

    app.clock.advance(retryAfter * 1000 - 2_000);
    expect((await login(victim.user.email, victim.password, newAddress())).status).toBe(429);
    app.clock.advance(3_000);
    const after = await login(victim.user.email, victim.password, newAddress());
    expect(after.status).toBe(200);
    // A success clears the account's count: one more wrong password is a plain 401.
    expect((await login(victim.user.email, "wrong-again", newAddress())).status).toBe(401);
  });

  it("many wrong logins from one address lock that address for every account", async () => {
    const user = await makeUser(app.api, "noc");
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await login(`nobody-${i}@example.jp`, "guess", address)).status);
    expect(statuses).toEqual(Array(50).fill(401));
    const locked = await login(user.user.email, user.password, address);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login(user.user.email, user.password, newAddress())).status).toBe(200);
    const audit = await app.api("get", `/audit-log?entityType=login_address&entityId=${address}`);
    expect(audit.body.items[0]).toMatchObject({ action: "auth.lockout" });
    app.clock.advance(15 * 60_000 + 1_000);
    expect((await login(user.user.email, user.password, address)).status).toBe(200);
  });

  it("a malformed session cookie is 401, not 500", async () => {
    for (const cookie of ["msp_session=%E0%A4%A", "msp_session=%", "msp_session="]) {
      const res = await app.api("get", "/auth/me", { token: null, headers: { cookie } });
      expect(res.status, cookie).toBe(401);
    }
  });

  it("the session cookie is Secure when the proxy says the request came over https", async () => {
    const user = await makeUser(app.api, "noc");
    const viaHttps = await app.api("post", "/auth/login", {
      token: null,
      body: { email: user.user.email, password: user.password },
      headers: { "x-forwarded-proto": "https", "x-forwarded-for": newAddress() },
    });
    expect(viaHttps.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    expect(viaHttps.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    const plain = await login(user.user.email, user.password, newAddress());
    expect(plain.headers.get("set-cookie")).not.toMatch(/;\s*Secure/i);
  });

  it("a revoked or rotated agent token is refused on the very next push; known tokens cost no query", async () => {
    const { components } = await makeContract(app.api);
    let n = 0;
    const push = (token: string) =>
      postRemoteWrite(app.url, token, [
        {
          labels: { __name__: "up" },
          samples: [[app.clock.now().getTime() - 60_000 + ++n * 1_000, 1]],
        },
      ]);
    const auth = app.platform.collector!.auth;
    const issued = (await app.api("post", `/components/${components[0].id}/agent-token`)).body;
    expect((await push(issued.token)).status).toBe(200);
    const loads = auth.loads;
    for (let i = 0; i < 5; i++) expect((await push(issued.token)).status).toBe(200);
    expect(auth.loads).toBe(loads); // served from memory
    // Rotation replaces the token: the old one is refused at once, the new one works.
    const rotated = (await app.api("post", `/components/${components[0].id}/agent-token`)).body;
    expect((await push(issued.token)).status).toBe(401);
    expect((await push(rotated.token)).status).toBe(200);
    expect((await app.api("delete", `/agent-tokens/${rotated.id}`)).status).toBe(200);
    expect((await push(rotated.token)).status).toBe(401);
  });
});
