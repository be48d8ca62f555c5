import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { collect, connect, drained, fireAlert, waitFor } from "./realtime.helpers.js";

// Two platform instances on one PostgreSQL database (decisions 0017, 0020): incident changes
// committed by one reach the sockets of the other through the change feed (change_log rows
// written by a trigger, one NOTIFY per transaction), once each, in commit order, and a
// listener that lost its connection catches up from its last snapshot.
// PGlite admits one process only (its data directory is locked): nothing to carry there.
describe.skipIf(process.env.TEST_DB_KIND === "pglite")("incident changes across instances", () => {
  let a: TestApp; // api + collector: commits incident changes, no sockets
  let b: Platform; // api + realtime: sockets
  let target: { contractId: string; componentId: string };
  let customerOther: { token: string };
  let noc: { token: string };
  const sockets: Socket[] = [];
  const open = async (token: string) => {
    const s = await connect(b.url, { token });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    a = await startTestApp({ env: { ROLES: "api,collector" } });
    b = await startPlatform(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: a.db.dataDir,
        LOG_LEVEL: "silent",
        ROLES: "api,realtime",
        DB_POOL_SIZE: "3",
        DATABASE_URL: a.db.url!,
      }),
      { log: createLogger("silent"), clock: a.clock },
    );
    const c = await makeContract(a.api, { plan: "entry" });
    target = { contractId: c.contract.id, componentId: c.components[0]!.id };
    const other = await makeContract(a.api, { plan: "entry" });
    customerOther = await makeUser(a.api, "customer", other.contract.id);
    noc = await makeUser(a.api, "noc");
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("an incident opened on one instance reaches a NOC socket on the other, each change once and in order", async () => {
    const socket = await open(noc.token);
    const events = collect(socket, "incident");
    const incidentId = await fireAlert(a, target, "feed: cpu high");
    await waitFor(events, (e) => e.incident.id === incidentId && e.kind === "opened", 2_000);
    const verbs = await a.api("post", `/incidents/${incidentId}/acknowledge`, {
      token: noc.token,
      body: {},
    });
    expect(verbs.status).toBe(200);
    await waitFor(events, (e) => e.kind === "acknowledged", 2_000);
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    const mine = events.filter((e) => e.incident.id === incidentId);
    const versions = mine.map((e) => BigInt(e.version));
    expect(new Set(versions).size).toBe(versions.length); // no change twice
    expect([...versions].sort((x, y) => (x < y ? -1 : 1))).toEqual(versions); // in order
    const rows = await a.platform.db.dataSource.query<{ id: string }[]>(
      "SELECT id::text AS id FROM incident_events WHERE incident_id = $1 ORDER BY id",
      [incidentId],
    );
    // Internal entries too (NOC room): every timeline row of the incident arrived.
    expect(mine.map((e) => e.version)).toEqual(rows.map((r) => r.id));
    expect(mine.at(-1)!.incident.state).toBe("acknowledged");
    expect(mine[0]!.incident).toMatchObject({ componentName: "vm-01", ruleName: "feed: cpu high" });
  });

  it("another contract's customer on the other instance receives nothing", async () => {
    const socket = await open(customerOther.token);
    const events = collect(socket, "incident");
    await fireAlert(a, target, "feed: disk full");
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    expect(events).toEqual([]);
  });

  it("a listener that lost its connection catches up on what was committed meanwhile", async () => {
    const socket = await open(noc.token);
    const events = collect(socket, "incident");
    const before = b.incidentFeed!.stats.caughtUp;
    const killed = await a.platform.db.dataSource.query<unknown[]>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN msp_changes'`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(1); // b's, and a's (its collector's caches)
    const incidentId = await fireAlert(a, target, "feed: memory high"); // while b listens nowhere
    await waitFor(events, (e) => e.incident.id === incidentId && e.kind === "opened", 5_000);
    expect(b.incidentFeed!.stats.caughtUp).toBeGreaterThan(before);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/realtime_feed_changes_total\{via="catch_up"\} [1-9]/);
    const versions = events.map((e) => e.version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it("ignores stray notifications, unreadable rows and ids with no timeline row, then delivers the next change", async () => {
    const socket = await open(noc.token);
    const events = collect(socket, "incident");
    const delivered = b.incidentFeed!.stats.delivered;
    const q = (sql: string, params: unknown[] = []) => a.platform.db.dataSource.query(sql, params);
    await q("SELECT pg_notify('msp_changes', 'garbage')"); // nothing committed: nothing read
    const row = "INSERT INTO change_log (topic, payload) VALUES ('incident_events', $1)";
    await q(row, [JSON.stringify({ ids: "nope" })]);
    await q(row, [JSON.stringify({ ids: ["12x", 7, "999999999"] })]); // no such row: nothing to show
    const incidentId = await fireAlert(a, target, "feed: after garbage");
    await waitFor(events, (e) => e.incident.id === incidentId, 2_000);
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    expect(events.every((e) => e.incident.id === incidentId)).toBe(true);
    expect(b.incidentFeed!.stats.delivered - delivered).toBe(events.length);
  });

  it("a process's own changes reach its sockets once (hub), not again through the feed", async () => {
    const c = await makeContract(a.api, { plan: "entry" });
    const socket = await open(noc.token);
    const events = collect(socket, "incident");
    const delivered = b.incidentFeed!.stats.delivered;
    // Acknowledged through b's API: committed in b, b's sockets learn it from b's hub.
    const incidentId = await fireAlert(a, {
      contractId: c.contract.id,
      componentId: c.components[0]!.id,
    });
    await waitFor(events, (e) => e.incident.id === incidentId, 2_000);
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    await b.incidentFeed!.whenIdle();
    const fromFeed = b.incidentFeed!.stats.delivered - delivered;
    const ack = await fetch(`${b.url}/api/v1/incidents/${incidentId}/acknowledge`, {
      method: "POST",
      headers: { authorization: `Bearer ${noc.token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(ack.status).toBe(200);
    await waitFor(events, (e) => e.kind === "acknowledged", 2_000);
    await b.incidentFeed!.whenIdle();
    await drained(socket); // everything emitted before it has reached the socket
    expect(events.filter((e) => e.kind === "acknowledged")).toHaveLength(1);
    expect(b.incidentFeed!.stats.delivered - delivered).toBe(fromFeed); // ack came via the hub
  });
});
