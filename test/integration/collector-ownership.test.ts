import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectorOwnership } from "../../src/collector/ownership.js";
import { createOwnershipStore, type OwnershipStore } from "../../src/collector/ownership.store.js";
import { createLogger } from "../../src/infra/logger.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Contract leases (decision 0019): one conditional statement per change, so PostgreSQL
// decides every race; a lease nobody renews is taken over by a live collector.
// PGlite admits one process only: no second collector, no leases.
describe.skipIf(process.env.TEST_DB_KIND === "pglite")("collector leases", () => {
  let app: TestApp;
  let store: OwnershipStore;
  const log = createLogger("silent");

  beforeAll(async () => {
    app = await startTestApp({ env: { ROLES: "api" } });
    store = createOwnershipStore(app.platform.db.dataSource);
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Polls until `check` holds, or fails after `ms`. */
  const eventually = async (what: string, ms: number, check: () => boolean | Promise<boolean>) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("gives a free lease to exactly one of many collectors claiming it at once", async () => {
    const collectors = Array.from({ length: 8 }, () => randomUUID());
    for (const id of collectors) await store.register(id, `http://${id}.internal:1`);
    for (let round = 0; round < 10; round++) {
      const contract = randomUUID();
      const answers = await Promise.all(collectors.map((id) => store.claim(id, contract, 10_000)));
      const winners = collectors.filter((_, i) => answers[i] === "ours");
      expect(winners).toHaveLength(1);
      for (const a of answers)
        if (a !== "ours")
          expect(a).toEqual({ collectorId: winners[0], url: `http://${winners[0]}.internal:1` });
    }
  });

  it("lets another collector take an expired lease, and the old holder learns it at its renewal", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const contract = randomUUID();
    expect(await store.claim(a, contract, 10_000)).toBe("ours");
    expect(await store.claim(b, contract, 10_000)).toMatchObject({ collectorId: a });
    expect(await store.claim(a, contract, 1)).toBe("ours"); // renewed for 1 ms only
    await eventually(
      "b takes the expired lease",
      5_000,
      async () => (await store.claim(b, contract, 10_000)) === "ours",
    );
    expect(await store.renew(a, 10_000)).not.toContain(contract);
    expect(await store.renew(b, 10_000)).toContain(contract);
  });

  it("takes a lease from an unreachable holder only while that holder still has it", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const contract = randomUUID();
    expect(await store.claim(a, contract, 10_000)).toBe("ours");
    expect(await store.takeFrom(c, contract, b, 10_000)).toBe(false);
    expect(await store.takeFrom(b, contract, a, 10_000)).toBe(true);
    expect(await store.takeFrom(c, contract, a, 10_000)).toBe(false); // b has it now
    expect(await store.claim(c, contract, 10_000)).toMatchObject({ collectorId: b });
  });

  it("hands contracts whose components were seen, and no one holds, to one collector", async () => {
    const { contract, components } = await makeContract(app.api);
    await app.platform.db.dataSource.query(
      "UPDATE components SET last_seen_at = now() WHERE id = $1",
      [components[0].id],
    );
    const [a, b] = [randomUUID(), randomUUID()];
    const [fromA, fromB] = await Promise.all([
      store.claimOrphans(a, 10_000, 0),
      store.claimOrphans(b, 10_000, 0),
    ]);
    expect([...fromA, ...fromB].filter((c) => c === contract.id)).toHaveLength(1);
  });

  it("moves a dead collector's contracts to a live one within a lease and a heartbeat, rebuilding them first", async () => {
    let dead = false;
    // The first collector dies: its heartbeats stop reaching the database.
    const dying: OwnershipStore = {
      ...store,
      renew: (id, ms) => (dead ? Promise.reject(new Error("killed")) : store.renew(id, ms)),
      claimOrphans: (id, ms, g) =>
        dead ? Promise.reject(new Error("killed")) : store.claimOrphans(id, ms, g),
    };
    const opts = { leaseMs: 1_000, heartbeatMs: 200 };
    const acquired: string[][] = [];
    const first = new CollectorOwnership(
      randomUUID(),
      { store: dying, log, nowMs: Date.now, onAcquired: () => Promise.resolve() },
      { ...opts, internalUrl: "http://127.0.0.1:1" },
    );
    const second = new CollectorOwnership(
      randomUUID(),
      {
        store,
        log,
        nowMs: Date.now,
        onAcquired: (ids) => {
          acquired.push([...ids]);
          return Promise.resolve();
        },
      },
      { ...opts, internalUrl: "http://127.0.0.1:2" },
    );
    await first.start();
    await second.start();
    try {
      const contract = randomUUID();
      expect(await first.route(contract, false)).toEqual({ kind: "local" });
      expect(first.owns(contract)).toBe(true);
      expect(await second.route(contract, false)).toMatchObject({
        kind: "forward",
        url: "http://127.0.0.1:1",
      });
      // A forwarded push is never forwarded again.
      expect(await second.route(contract, true)).toEqual({ kind: "retry" });
      expect(second.owns(contract)).toBe(false);

      dead = true;
      await eventually("the live collector holds the contract", 5_000, () => second.owns(contract));
      expect(acquired.flat()).toContain(contract);
      // The dead one stops judging it too, once its last renewal runs out.
      await eventually(
        "the dead collector no longer judges it",
        5_000,
        () => !first.owns(contract),
      );
      expect(await second.route(contract, false)).toEqual({ kind: "local" });
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
