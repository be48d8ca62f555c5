import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeLogStore } from "../../src/db/change-log.store.js";
import { txOf } from "../../src/db/unit-of-work.js";
import {
  startChangeFeed,
  type ChangeFeed,
  type ChangeRecord,
} from "../../src/infra/change-feed.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";
import { collect, connect, waitFor } from "./realtime.helpers.js";

// The change feed of decision 0020 on a real PostgreSQL server: rows of change_log written
// in the change's transaction (by triggers on the watched tables or by code) reach every
// process, including those whose transaction took a lower version but committed later, and
// after a dropped listening connection. The embedded PGlite admits one process only.
describe.skipIf(process.env.TEST_DB_KIND === "pglite")("change feed across processes", () => {
  let a: TestApp;
  let b: Platform;
  let sql: pg.Client;

  /** Polls `check` until it holds or the deadline passes (then throws). */
  const until = async (check: () => boolean | Promise<boolean>, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeAll(async () => {
    a = await startTestApp({ env: { ROLES: "api" } });
    b = await startPlatform(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: a.db.dataDir,
        LOG_LEVEL: "silent",
        ROLES: "api,collector,realtime",
        DB_POOL_SIZE: "3",
        DATABASE_URL: a.db.url!,
      }),
      { log: createLogger("silent"), clock: a.clock },
    );
    sql = new pg.Client({ connectionString: a.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await b?.stop();
    await a?.stop();
  });

  it("a token revoked by plain SQL, with no event published, is refused by the other collector within a second", async () => {
    const { components } = await makeContract(a.api);
    const issued = (await a.api("post", `/components/${components[0].id}/agent-token`)).body;
    const auth = b.collector!.auth;
    expect((await auth.resolve(issued.token, a.clock.now())).ok).toBe(true); // cached on b
    const loads = auth.loads;
    expect((await auth.resolve(issued.token, a.clock.now())).ok).toBe(true);
    expect(auth.loads).toBe(loads); // served from the cache: only the feed can drop it
    await sql.query("UPDATE agent_tokens SET revoked_at = now() WHERE id = $1", [issued.id]);
    await until(
      async () => !(await auth.resolve(issued.token, a.clock.now())).ok,
      1_000,
      "revoked token still accepted",
    );
  });

  it("a rule written on another process reloads this process's rule engine", async () => {
    const engine = b.rules!.engine;
    const before = engine.generation;
    expect(
      (
        await a.api("post", "/rules", {
          body: {
            name: "feed test",
            kind: "threshold",
            metric: "feed_test_metric",
            op: ">",
            threshold: 1,
            forSeconds: 0,
            severity: "warning",
          },
        })
      ).status,
    ).toBe(201);
    await until(() => engine.generation > before, 2_000, "rules not reloaded");
  });

  it("a cap event recorded by another process reaches the NOC socket here", async () => {
    const { contract, components } = await makeContract(a.api);
    const noc = await makeUser(a.api, "noc");
    const socket = await connect(b.url, { token: noc.token });
    const events = collect<{ kind: string; componentId: string; contractId: string }>(
      socket,
      "component",
    );
    const store = createChangeLogStore(a.platform.db.dataSource);
    await a.platform.db.dataSource.transaction((m) =>
      store.record(txOf(m), {
        topic: "cap_reached",
        contractId: null,
        payload: { componentId: components[0].id, cap: 200, activeSeries: 200, atMs: 1 },
      }),
    );
    const got = await waitFor(events, (e) => e.componentId === components[0].id, 2_000);
    expect(got).toMatchObject({ kind: "cap_reached", contractId: contract.id });
    socket.close();
  });

  describe("one feed on its own", () => {
    let feed: ChangeFeed;
    const got: ChangeRecord[] = [];
    const catchUps: ChangeRecord[] = [];
    beforeAll(async () => {
      feed = await startChangeFeed({
        url: a.db.url!,
        store: createChangeLogStore(a.platform.db.dataSource),
        log: createLogger("silent"),
        retryMs: 50,
      });
      feed.subscribe(["cap_reached"], {
        onChanges: (rows, read) => {
          got.push(...rows);
          if (read.catchUp) catchUps.push(...rows);
        },
      });
    });
    afterAll(() => feed?.stop());

    const capRow = (tag: string) =>
      `INSERT INTO change_log (topic, payload) VALUES ('cap_reached', '{"tag":"${tag}"}')`;
    const tags = () => got.map((r) => (r.payload as { tag: string }).tag);

    it("delivers a lower version committed after a higher one, once", async () => {
      const slow = new pg.Client({ connectionString: a.db.url });
      await slow.connect();
      try {
        await slow.query("BEGIN");
        await slow.query(capRow("first-taken")); // takes the lower version, commits last
        await sql.query(capRow("second-taken"));
        await until(() => tags().includes("second-taken"), 2_000, "second not delivered");
        await slow.query("COMMIT");
        await until(() => tags().includes("first-taken"), 2_000, "first not delivered");
      } finally {
        await slow.end();
      }
      const mine = got.filter((r) =>
        ["first-taken", "second-taken"].includes(String((r.payload as { tag: string }).tag)),
      );
      expect(mine).toHaveLength(2);
      expect(mine[0]!.version).toBeGreaterThan(mine[1]!.version); // arrival order = commit order
    });

    it("sends one notification per transaction, however many rows it writes", async () => {
      const incidentRows = await sql.query(
        "SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'incident_events_change_log'",
      );
      expect(incidentRows.rows[0].n).toBe(1);
      const listener = new pg.Client({ connectionString: a.db.url });
      await listener.connect();
      const seen: string[] = [];
      listener.on("notification", (n) => seen.push(n.payload ?? ""));
      await listener.query("LISTEN msp_changes");
      try {
        await sql.query("BEGIN");
        for (let i = 0; i < 5; i++) await sql.query(capRow(`batch-${i}`));
        await sql.query("UPDATE rules SET enabled = enabled WHERE false");
        await sql.query("COMMIT");
        await until(() => tags().includes("batch-4"), 2_000, "batch not delivered");
        await sql.query(capRow("after-batch")); // a marker: its notification follows the batch's
        await until(() => seen.length >= 2, 2_000, "marker notification missing");
        expect(seen).toHaveLength(2);
        expect(new Set(seen).size).toBe(2);
      } finally {
        await listener.end();
      }
    });

    it("catches up after its listening connection was cut, exactly once", async () => {
      const cut = await sql.query<{ pid: number }>(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN msp_changes' AND pid <> pg_backend_pid()`,
      );
      expect(cut.rowCount).toBeGreaterThan(0);
      await sql.query(capRow("while-away")); // nobody of this feed listens now
      await until(() => tags().includes("while-away"), 5_000, "missed change not caught up");
      expect(catchUps.map((r) => (r.payload as { tag: string }).tag)).toContain("while-away");
      expect(tags().filter((t) => t === "while-away")).toHaveLength(1);
    });
  });
});
