import { describe, expect, it } from "vitest";
import { fixedClock } from "../infra/clock.js";
import { AppError } from "../shared/errors.js";
import { bootstrapAdmin } from "./bootstrap-admin.js";
import { issueCredential } from "./credentials.js";
import { verifyPassword } from "./passwords.js";
import { ADMIN, actorOf, userWithPassword } from "./testing/fixtures.js";
import { inMemoryAccounts } from "./testing/in-memory-accounts.js";
import { createUser, disableUser, NewUser, resetPassword } from "./users.js";

const T0 = new Date("2027-01-04T10:00:00+09:00");

function setup() {
  const clock = fixedClock(T0);
  return { clock, ...inMemoryAccounts(() => clock.now()) };
}

async function rejectionOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe(createUser.name, () => {
  it("without a password hands out a one-time password that must be changed", async () => {
    const { deps, state } = setup();
    const { user, oneTimePassword } = await userWithPassword(deps, T0, { email: "Noc@Example.jp" });
    expect(user.email).toBe("noc@example.jp");
    expect(oneTimePassword).toMatch(/^[\w-]{20}$/);
    const row = state.users.find((u) => u.id === user.id)!;
    expect(row.mustChangePassword).toBe(true);
    expect(await verifyPassword(row.passwordHash, oneTimePassword!)).toBe(true);
    expect(state.audit.map((a) => [a.action, a.entityId])).toEqual([["user.create", user.id]]);
  });

  it("with a password needs no change and returns no secret", async () => {
    const { deps, state } = setup();
    const { user, oneTimePassword } = await userWithPassword(deps, T0, {
      email: "oncall@example.jp",
      password: "correct horse battery",
    });
    expect(oneTimePassword).toBeNull();
    expect(state.users.find((u) => u.id === user.id)?.mustChangePassword).toBe(false);
  });

  it("names contractId for an unknown contract and refuses a taken e-mail", async () => {
    const { deps, state } = setup();
    const contractId = "00000000-0000-4000-8000-00000000c0c0";
    const customer = NewUser.parse({
      email: "c@example.jp",
      displayName: "C",
      role: "customer",
      contractId,
    });
    const unknown = await rejectionOf(createUser(deps, ADMIN, customer, T0));
    expect([unknown.code, unknown.issues.map((i) => i.path)]).toEqual([
      "VALIDATION",
      ["contractId"],
    ]);
    state.contracts.add(contractId);
    await createUser(deps, ADMIN, customer, T0);
    expect((await rejectionOf(createUser(deps, ADMIN, customer, T0))).code).toBe("CONFLICT");
  });
});

describe(disableUser.name, () => {
  it("revokes every live credential and refuses to disable oneself", async () => {
    const { deps, state } = setup();
    const { user } = await userWithPassword(deps, T0, { email: "gone@example.jp" });
    const session = { kind: "session", userId: user.id, name: null, expiresAt: null } as const;
    await issueCredential(deps, session);
    await issueCredential(deps, { ...session, kind: "api_key", name: "ci" });
    const after = await disableUser(deps, ADMIN, user.id, T0);
    expect(after.disabled).toBe(true);
    expect(state.credentials.map((c) => c.revokedAt)).toEqual([T0, T0]);
    const self = actorOf(user, "x");
    expect((await rejectionOf(disableUser(deps, self, user.id, T0))).code).toBe(
      "PRECONDITION_FAILED",
    );
  });
});

describe(resetPassword.name, () => {
  it("sets a one-time password the user must change and revokes their sessions", async () => {
    const { deps, state } = setup();
    const { user } = await userWithPassword(deps, T0, {
      email: "forgot@example.jp",
      password: "an old long password",
    });
    await issueCredential(deps, { kind: "session", userId: user.id, name: null, expiresAt: null });
    const { oneTimePassword } = await resetPassword(deps, ADMIN, user.id, T0);
    const row = state.users.find((u) => u.id === user.id)!;
    expect(row.mustChangePassword).toBe(true);
    expect(await verifyPassword(row.passwordHash, oneTimePassword)).toBe(true);
    expect(state.credentials.every((c) => c.revokedAt !== null)).toBe(true);
    expect((await rejectionOf(resetPassword(deps, ADMIN, ADMIN.userId, T0))).code).toBe(
      "NOT_FOUND",
    );
  });
});

describe(bootstrapAdmin.name, () => {
  it("creates the first admin once, with a one-time password", async () => {
    const { deps } = setup();
    const first = await bootstrapAdmin(deps, T0);
    expect(first?.email).toBe("admin@msp.local");
    expect(await bootstrapAdmin(deps, T0)).toBeNull();
  });
});
