import { describe, expect, it } from "vitest";
import { hashSecret } from "../accounts/secrets.js";
import { IngestAuth } from "./ingest-auth.js";
import type { IngestAuthStore, IngestTokenRow } from "./ingest-auth.store.js";

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

/** A store over one token; `down` makes every query fail as an unreachable server does. */
function fakeStore(secret: string) {
  const token: IngestTokenRow = {
    token_id: "t1",
    contract_id: "c1",
    component_id: "k1",
    scope: "component",
    status: "active",
    instance_label: "instance",
    suspended_from: null,
    suspension_kind: null,
  };
  const state = { down: null as (() => Error) | null, queries: 0, revoked: false };
  const store: IngestAuthStore = {
    liveToken: (hash) => {
      state.queries++;
      if (state.down) return Promise.reject(state.down());
      return Promise.resolve(hash === hashSecret(secret) && !state.revoked ? token : undefined);
    },
    components: () => {
      if (state.down) return Promise.reject(state.down());
      return Promise.resolve([{ id: "k1", name: "vm-01", cap_relaxations: 0, active_until: null }]);
    },
  };
  return { store, state };
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 3, 0, s));

describe("IngestAuth while the database is unreachable", () => {
  it("keeps accepting a token accepted before, past its cache time, re-asking every 5 s", async () => {
    const { store, state } = fakeStore("secret");
    const auth = new IngestAuth(store, 30_000, 5_000);
    expect(await auth.resolve("secret", at(0))).toMatchObject({ ok: true, contractId: "c1" });
    state.down = refused;
    expect(await auth.resolve("secret", at(10))).toMatchObject({ ok: true }); // cached
    expect(state.queries).toBe(1);
    expect(await auth.resolve("secret", at(31))).toMatchObject({ ok: true, contractId: "c1" });
    expect(state.queries).toBe(2); // asked, failed, served the last answer
    expect(await auth.resolve("secret", at(35))).toMatchObject({ ok: true });
    expect(state.queries).toBe(2); // not asked again within 5 s
    expect(await auth.resolve("secret", at(36))).toMatchObject({ ok: true });
    expect(state.queries).toBe(3);
    expect(auth.staleServed).toBe(3);

    // Back: the next check after the retry time asks again and caches the fresh answer.
    state.down = null;
    state.revoked = true;
    expect(await auth.resolve("secret", at(42))).toMatchObject({ ok: false, status: 401 });
  });

  it("serves nothing stale after a change was announced, nor a refusal, nor on other errors", async () => {
    const { store, state } = fakeStore("secret");
    const auth = new IngestAuth(store, 30_000, 5_000);
    await auth.resolve("secret", at(0));
    auth.invalidate(); // a token revoked or a contract suspended somewhere
    state.down = refused;
    await expect(auth.resolve("secret", at(1))).rejects.toThrow(/ECONNREFUSED/);

    state.down = null;
    expect(await auth.resolve("unknown", at(2))).toMatchObject({ ok: false, status: 401 });
    state.down = refused;
    await expect(auth.resolve("unknown", at(40))).rejects.toThrow(/ECONNREFUSED/); // not 401 again

    state.down = null;
    await auth.resolve("secret", at(50));
    state.down = () => Object.assign(new Error("permission denied"), { code: "42501" });
    await expect(auth.resolve("secret", at(90))).rejects.toThrow(/permission denied/);
    expect(auth.staleServed).toBe(0);
  });
});
