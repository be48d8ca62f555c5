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

  it("frees the leases of a collector that stopped and deregistered at once, without the grace", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await store.register(a, "http://a.internal:1");
    const [held, crashed] = [randomUUID(), randomUUID()];
    expect(await store.claim(a, held, 10_000)).toBe("ours");
    expect(await store.claimOrphans(b, 10_000, 60_000)).not.toContain(held);
    await store.release(a);
    expect(await store.claimOrphans(b, 10_000, 60_000)).toContain(held);
    // A holder that did not deregister (crashed) keeps the grace.
    await store.register(a, "http://a.internal:1");
    expect(await store.claim(a, crashed, 1)).toBe("ours");
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.claimOrphans(b, 10_000, 60_000)).not.toContain(crashed);
  });

  it("drops a contract's state when its renewal finds the lease lost to another collector", async () => {
    const released: string[][] = [];
    const first = new CollectorOwnership(
      randomUUID(),
      {
        store,
        log,
        nowMs: Date.now,
        onAcquired: () => Promise.resolve(),
        onReleased: (ids) => void released.push([...ids]),
      },
      { leaseMs: 60_000, heartbeatMs: 100, handOverAfterMs: 0, internalUrl: "http://a.internal:1" },
    );
    await first.start();
    const other = randomUUID();
    try {
      const [kept, lost] = [randomUUID(), randomUUID()];
      expect(await first.route(kept)).toEqual({ kind: "local" });
      expect(await first.route(lost)).toEqual({ kind: "local" });
      await store.register(other, "http://b.internal:1");
      // Another collector takes the lease (as from a holder it could not reach).
      expect(await store.takeFrom(other, lost, first.id, 60_000)).toBe(true);
      await eventually("the first learns it at a renewal", 3_000, () => !first.owns(lost));
      expect(released).toEqual([[lost]]);
      expect(first.owns(kept)).toBe(true);
    } finally {
      await first.stop();
      await store.release(other);
    }
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
    const opts = { leaseMs: 1_000, heartbeatMs: 200, handOverAfterMs: 0 };
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
      expect(await first.route(contract)).toEqual({ kind: "local" });
      expect(first.owns(contract)).toBe(true);
      expect(await second.route(contract)).toMatchObject({
        kind: "forward",
        url: "http://127.0.0.1:1",
      });
      // A forwarded push is never forwarded again.
      expect(await second.route(contract, first.id)).toEqual({ kind: "retry" });
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
      expect(await second.route(contract)).toEqual({ kind: "local" });
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it("hands a lease over only while the giver holds it and the taker is alive", async () => {
    const [a, b, ghost] = [randomUUID(), randomUUID(), randomUUID()];
    await store.register(a, "http://a.internal:1");
    await store.register(b, "http://b.internal:1");
    const contract = randomUUID();
    expect(await store.claim(a, contract, 10_000)).toBe("ours");
    expect(await store.handOver(a, contract, ghost, 10_000)).toBe(false); // never registered
    expect(await store.handOver(b, contract, a, 10_000)).toBe(false); // b does not hold it
    expect(await store.handOver(a, contract, b, 10_000)).toBe(true);
    expect(await store.claim(a, contract, 10_000)).toMatchObject({ collectorId: b });
    expect(await store.renew(b, 10_000)).toContain(contract);
  });

  it("hands a contract to the collector all its pushes arrive through, after the streak, stored first", async () => {
    const opts = { leaseMs: 2_000, heartbeatMs: 200, handOverAfterMs: 600 };
    const events: string[] = [];
    const make = (name: string) =>
      new CollectorOwnership(
        randomUUID(),
        {
          store,
          log,
          nowMs: Date.now,
          onAcquired: (ids) => (events.push(`${name} acquired ${ids.join()}`), Promise.resolve()),
          beforeHandOver: (ids) => (events.push(`${name} stores ${ids.join()}`), Promise.resolve()),
          onReleased: (ids) => void events.push(`${name} released ${ids.join()}`),
        },
        { ...opts, internalUrl: `http://${name}.internal:1` },
      );
    const first = make("first");
    const second = make("second");
    await first.start();
    await second.start();
    try {
      const [steady, moving] = [randomUUID(), randomUUID()];
      expect(await first.route(steady)).toEqual({ kind: "local" });
      expect(await first.route(moving)).toEqual({ kind: "local" });
      // For 1.2 s: `moving` only arrives forwarded by the second collector; `steady` also
      // directly, every other push (a round-robin balancer), so it never moves.
      for (let i = 0; i < 12; i++) {
        // Once handed over, the first refuses a forwarded push (moving: the sender retries).
        expect(["local", "retry"]).toContain((await first.route(moving, second.id)).kind);
        expect(await first.route(steady, i % 2 === 0 ? second.id : undefined)).toEqual({
          kind: "local",
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      await eventually("the first collector hands it over", 3_000, () => !first.owns(moving));
      expect(events.indexOf(`first stores ${moving}`)).toBeGreaterThanOrEqual(0);
      // The second takes it at its next heartbeat (or its next push), rebuilt first.
      await eventually("the second holds it", 3_000, () => second.owns(moving));
      expect(events.indexOf(`first stores ${moving}`)).toBeLessThan(
        events.findIndex((e) => e.startsWith("second acquired") && e.includes(moving)),
      );
      expect(await second.route(moving)).toEqual({ kind: "local" });
      expect(await first.route(moving)).toMatchObject({ kind: "forward", ownerId: second.id });
      expect(first.owns(steady)).toBe(true);
      expect(events.join("\n")).not.toContain(`stores ${steady}`);
      // The giver drops its state of the contract once the lease has moved, and only of it.
      expect(events.filter((e) => e.includes("released"))).toEqual([`first released ${moving}`]);
      expect(events.indexOf(`first stores ${moving}`)).toBeLessThan(
        events.indexOf(`first released ${moving}`),
      );
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it("does not hand a contract to a collector that stopped forwarding its pushes", async () => {
    const opts = { leaseMs: 2_000, heartbeatMs: 200, handOverAfterMs: 300 };
    const deps = { store, log, nowMs: Date.now, onAcquired: () => Promise.resolve() };
    const first = new CollectorOwnership(randomUUID(), deps, {
      ...opts,
      internalUrl: "http://first.internal:1",
    });
    const second = new CollectorOwnership(randomUUID(), deps, {
      ...opts,
      internalUrl: "http://second.internal:1",
    });
    await first.start();
    await second.start();
    try {
      const contract = randomUUID();
      expect(await first.route(contract)).toEqual({ kind: "local" });
      // Forwarded twice, then nothing for longer than two heartbeats: the streak is stale.
      await first.route(contract, second.id);
      await new Promise((r) => setTimeout(r, 100));
      await first.route(contract, second.id);
      await new Promise((r) => setTimeout(r, 1_200));
      expect(await first.rebalance()).toEqual([]);
      expect(first.owns(contract)).toBe(true);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
