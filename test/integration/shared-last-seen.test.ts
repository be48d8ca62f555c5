import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Several collectors behind one address (decision 0017): a component whose pushes reach
// another collector is seen through the last-seen time that collector flushes to
// PostgreSQL, so this one does not declare it "Agent silent". One that nobody hears is,
// until another collector hears it again.
// PGlite admits one process only: a single collector, nothing shared.
describe.skipIf(process.env.TEST_DB_KIND === "pglite")("absence across collectors", () => {
  let api: TestApp; // api only: the test plays the other collector's flush in SQL
  let collector: Platform;

  beforeAll(async () => {
    api = await startTestApp({ env: { ROLES: "api", INCIDENT_GROUP_WINDOW_S: "0" } });
  });
  afterAll(async () => {
    await collector?.stop();
    await api?.stop();
  });

  it("holds off absence for a component another collector hears, fires for one nobody hears, and ends it when another collector hears it again", async () => {
    const { components } = await makeContract(api.api, { components: ["elsewhere", "gone"] });
    const [elsewhere, gone] = components;
    const sql = (q: string, p: unknown[]) => api.platform.db.dataSource.query(q, p);
    const seen = (id: string, at: Date) =>
      sql("UPDATE components SET last_seen_at = $2 WHERE id = $1", [id, at]);
    await seen(elsewhere.id, api.clock.now());
    await seen(gone.id, api.clock.now());
    collector = await startPlatform(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: api.db.dataDir,
        LOG_LEVEL: "silent",
        ROLES: "collector",
        DB_POOL_SIZE: "3",
        INCIDENT_GROUP_WINDOW_S: "0",
        DATABASE_URL: api.db.url!,
      }),
      { log: createLogger("silent"), clock: api.clock },
    );
    // 115 s on, the other collector flushes that it heard "elsewhere" just now.
    api.clock.advance(115_000);
    await seen(elsewhere.id, api.clock.now());
    await collector.rules!.refreshLastSeen();
    api.clock.advance(10_000); // 125 s since start: past Agent silent's 120 s
    collector.rules!.engine.sweep(api.clock.now().getTime());
    await collector.incidents.whenIdle();
    const incidents = await sql(
      "SELECT component_id, rule_kind FROM incidents WHERE component_id = ANY($1::uuid[])",
      [[elsewhere.id, gone.id]],
    );
    expect(incidents).toEqual([{ component_id: gone.id, rule_kind: "absence_component" }]);

    // "gone" comes back, pushing to the other collector: the silence declared here ends.
    api.clock.advance(5_000);
    await seen(gone.id, api.clock.now());
    await collector.rules!.refreshLastSeen();
    await collector.incidents.whenIdle();
    const after = await sql(
      `SELECT i.state, array_agg(e.kind ORDER BY e.id) AS kinds FROM incidents i
         JOIN incident_events e ON e.incident_id = i.id WHERE i.component_id = $1 GROUP BY i.state`,
      [gone.id],
    );
    expect(after).toEqual([{ state: "resolved", kinds: ["opened", "routed", "resolved"] }]);
  });
});
