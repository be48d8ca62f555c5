import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { createApiKey, revokeApiKey } from "./api-keys.js";
import { authenticate } from "./authenticate.js";
import { LoginThrottle } from "./login-throttle.js";
import { changePassword, logIn, whoAmI } from "./sessions.js";
import { ADMIN, actorOf, userWithPassword } from "./testing/fixtures.js";
import { inMemoryAccounts } from "./testing/in-memory-accounts.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");
const TTL = 8 * 3_600_000;
const SETTINGS = { windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxPerAccount: 3, maxPerAddress: 5 };

function setup() {
  const clock = fixedClock(T0);
  const mem = inMemoryAccounts(() => clock.now());
  const throttle = new LoginThrottle(mem.deps, SETTINGS);
  return { clock, throttle, ...mem };
}

async function rejectionOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const login = (email: string, password: string, address = "192.0.2.1") => ({
  email,
  password,
  address,
  sessionTtlMs: TTL,
});

describe(logIn.name, () => {
  it("issues a session that authenticates until it expires", async () => {
    const { deps, throttle, clock } = setup();
    await userWithPassword(deps, T0, { email: "noc@example.jp", password: "a long password 1" });
    const result = await logIn(
      { ...deps, throttle },
      login("noc@example.jp", "a long password 1"),
      T0,
    );
    expect(result.expiresAt).toEqual(new Date(T0.getTime() + TTL));
    const actor = await authenticate(deps.credentials, result.token, clock.now());
    expect(actor).toMatchObject({ via: "session", role: "noc", mustChangePassword: false });
    expect(await authenticate(deps.credentials, result.token, result.expiresAt)).toBeNull();
  });

  it("locks the account after its limit of failures, even for the right password, until the lock passes", async () => {
    const { deps, throttle, state, clock } = setup();
    await userWithPassword(deps, T0, { email: "noc@example.jp", password: "a long password 1" });
    const t = { ...deps, throttle };
    for (let i = 0; i < SETTINGS.maxPerAccount; i++) {
      const wrong = await rejectionOf(logIn(t, login("noc@example.jp", "wrong"), clock.now()));
      expect(wrong.code).toBe("UNAUTHORIZED");
    }
    const locked = await rejectionOf(logIn(t, login("noc@example.jp", "a long password 1"), T0));
    expect([locked.code, locked.details.retryAfterS]).toEqual(["LIMIT_EXCEEDED", 900]);
    expect(state.audit.filter((a) => a.action === "auth.lockout").map((a) => a.entityId)).toEqual([
      "noc@example.jp",
    ]);
    clock.advance(SETTINGS.lockMs);
    await expect(
      logIn(t, login("noc@example.jp", "a long password 1"), clock.now()),
    ).resolves.toBeDefined();
  });

  it("locks an address that fails across many accounts", async () => {
    const { deps, throttle } = setup();
    const t = { ...deps, throttle };
    for (let i = 0; i < SETTINGS.maxPerAddress; i++)
      await rejectionOf(logIn(t, login(`nobody${i}@example.jp`, "x", "198.51.100.7"), T0));
    const err = await rejectionOf(logIn(t, login("fresh@example.jp", "x", "198.51.100.7"), T0));
    expect(err.code).toBe("LIMIT_EXCEEDED");
    const other = await rejectionOf(logIn(t, login("fresh@example.jp", "x", "198.51.100.8"), T0));
    expect(other.code).toBe("UNAUTHORIZED");
  });
});

describe(changePassword.name, () => {
  it("clears mustChangePassword and revokes every other credential but the current one", async () => {
    const { deps, throttle, state } = setup();
    const { user, oneTimePassword } = await userWithPassword(deps, T0, { email: "new@example.jp" });
    const t = { ...deps, throttle };
    const first = await logIn(t, login("new@example.jp", oneTimePassword!), T0);
    expect(first.mustChangePassword).toBe(true);
    const other = await logIn(t, login("new@example.jp", oneTimePassword!), T0);
    const current = (await authenticate(deps.credentials, first.token, T0))!;
    const revoked = await changePassword(
      deps,
      current,
      { currentPassword: oneTimePassword!, newPassword: "my own long password" },
      T0,
    );
    expect(revoked).toHaveLength(1);
    expect(await authenticate(deps.credentials, other.token, T0)).toBeNull();
    expect((await whoAmI(deps, current)).mustChangePassword).toBe(false);
    expect(state.users.find((u) => u.id === user.id)?.mustChangePassword).toBe(false);
  });

  it("names currentPassword when it is wrong and newPassword when it does not change", async () => {
    const { deps } = setup();
    const { user } = await userWithPassword(deps, T0, {
      email: "x@example.jp",
      password: "the password 12",
    });
    const actor = actorOf(user, "00000000-0000-4000-8000-0000000000c9");
    const wrong = await rejectionOf(
      changePassword(deps, actor, { currentPassword: "nope", newPassword: "another password" }, T0),
    );
    expect(wrong.issues.map((i) => i.path)).toEqual(["currentPassword"]);
    const same = await rejectionOf(
      changePassword(
        deps,
        actor,
        { currentPassword: "the password 12", newPassword: "the password 12" },
        T0,
      ),
    );
    expect(same.issues.map((i) => i.path)).toEqual(["newPassword"]);
  });
});

describe(revokeApiKey.name, () => {
  it("names expiresAt for a past expiry; another user's key is not found unless admin", async () => {
    const { deps } = setup();
    const { user } = await userWithPassword(deps, T0, {
      email: "k@example.jp",
      password: "the password 12",
    });
    const owner = actorOf(user, "00000000-0000-4000-8000-0000000000c8");
    const past = await rejectionOf(
      createApiKey(deps, owner, { name: "ci", expiresAt: "2027-01-01T00:00:00Z" }, T0),
    );
    expect(past.issues.map((i) => i.path)).toEqual(["expiresAt"]);
    const key = await createApiKey(deps, owner, { name: "ci", expiresAt: null }, T0);
    const stranger = {
      ...owner,
      userId: "00000000-0000-4000-8000-0000000000ee",
      role: "noc" as const,
    };
    expect((await rejectionOf(revokeApiKey(deps, stranger, key.id, T0))).code).toBe("NOT_FOUND");
    expect(await revokeApiKey(deps, ADMIN, key.id, T0)).toBe(user.id);
    expect(await authenticate(deps.credentials, key.secret, T0)).toBeNull();
  });
});
