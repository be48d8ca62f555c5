import { afterAll, describe, expect, it } from "vitest";
import { encodeWriteRequest, snappy } from "../../src/ingest/test-helpers.js";
import { fixedClock } from "../../src/infra/clock.js";
import { loadConfig } from "../../src/infra/config.js";
import { createLogger } from "../../src/infra/logger.js";
import { startPlatform, type Platform } from "../../src/platform/platform.js";
import { apiClient, loginAdmin } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

// Raw points live in memory only; after a restart the recent window is rebuilt from the
// 1-minute rollups written before the stop (one point per minute: the minute's last value).
describe("collector restart", () => {
  let db: TestDatabase;
  const platforms: Platform[] = [];
  afterAll(async () => {
    for (const p of platforms) await p.stop().catch(() => undefined);
    await db?.drop();
  });

  it("rebuilds the recent window from rollups", async () => {
    db = await createTestDatabase();
    const clock = fixedClock(new Date("2026-11-20T03:00:00Z"));
    const config = loadConfig({
      PORT: "0",
      DATA_DIR: db.dataDir,
      LOG_LEVEL: "silent",
      ROLES: "api,collector",
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    });
    const first = await startPlatform(config, { log: createLogger("silent"), clock });
    platforms.push(first);
    let token = "";
    const api = apiClient(`${first.url}/api/v1`, () => token);
    token = await loginAdmin(api, first.bootstrapAdmin!);
    const c = (
      await api("post", "/contracts", {
        body: {
          customerName: "Restart KK",
          plan: "entry",
          contacts: [{ name: "A", email: "a@example.jp", language: "ja" }],
        },
      })
    ).body;
    await api("post", `/contracts/${c.id}/accept`, { body: { startDate: "2026-11-01" } });
    const comp = (
      await api("post", `/contracts/${c.id}/components`, { body: { name: "vm-1", os: "linux" } })
    ).body;
    const agent = (await api("post", `/components/${comp.id}/agent-token`)).body.token;
    const t0 = Date.parse("2026-11-20T02:50:00Z");
    const samples: [number, number][] = [
      [t0, 1],
      [t0 + 30_000, 2],
      [t0 + 60_000, 3],
      [t0 + 90_000, 4],
      [t0 + 120_000, 5],
    ];
    const res = await fetch(`${first.url}/api/v1/write`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent}`, "content-encoding": "snappy" },
      body: snappy(encodeWriteRequest([{ labels: { __name__: "restart_metric" }, samples }])),
    });
    expect(res.status).toBe(200);
    await first.stop(); // flushes every rollup, including the minute in progress
    platforms.pop();

    const second = await startPlatform(config, { log: createLogger("silent"), clock });
    platforms.push(second);
    const api2 = apiClient(`${second.url}/api/v1`, () => token);
    token = await loginAdmin(api2, first.bootstrapAdmin!);
    const labels = encodeURIComponent(JSON.stringify({ __name__: "restart_metric" }));
    const points = await api2(
      "get",
      `/components/${comp.id}/series/points?labels=${labels}&from=2026-11-20T02:00:00Z`,
    );
    expect(points.status).toBe(200);
    // Minutes 02:50, 02:51, 02:52 → last values 2, 4, 5 at the time each was taken.
    expect(points.body.points.map((p: { v: number }) => p.v)).toEqual([2, 4, 5]);

    // The minute in progress at the stop (02:52, last sample at :00) goes on: a push at :03
    // is accepted, and a resend of what was stored is answered 2xx (held already).
    const push = (s: [number, number][]) =>
      fetch(`${second.url}/api/v1/write`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent}`, "content-encoding": "snappy" },
        body: snappy(encodeWriteRequest([{ labels: { __name__: "restart_metric" }, samples: s }])),
      });
    const resend = await push([[t0 + 120_000, 5]]);
    expect(resend.status).toBe(200);
    expect(await resend.json()).toMatchObject({
      acceptedSamples: 0,
      rejectedSamples: { duplicate: 1 },
    });
    const next = await push([[t0 + 123_000, 6]]);
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ acceptedSamples: 1 });
    // An older sample than the stored one can never be accepted: 400, so senders drop it.
    expect((await push([[t0 + 119_000, 9]])).status).toBe(400);

    await second.collector!.flush();
    const merged = await second.db.dataSource.query<{ count: number; last: number }[]>(
      `SELECT r.count, r.last FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
       WHERE s.labels->>'__name__' = 'restart_metric' AND r.minute = $1`,
      [new Date(t0 + 120_000).toISOString()],
    );
    // The minute written at the stop and its continuation merge into one row.
    expect(merged).toEqual([{ count: 2, last: 6 }]);
  });
});
