import { monitorEventLoopDelay } from "node:perf_hooks";
import { createGzip, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RollupStore } from "../../src/collector/rollup.store.js";
import { RollupBatch, type RollupRow } from "../../src/ingest/rollups.js";
import { ComponentState, Series } from "../../src/ingest/series-store.js";
import { encodeWriteRequest, snappy } from "../../src/ingest/test-helpers.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract } from "../support/factories.js";

// Pushes meant to stop, freeze or poison the collector. Each is answered (never a dead
// process), and another tenant's samples pushed alongside are saved by the next flush.
describe("hostile pushes", () => {
  let app: TestApp;
  let bystander: { id: string };
  let bystanderToken: string;
  let attacker: { id: string; name: string };
  let attackerToken: string;
  const nowMs = () => app.clock.now().getTime();

  const post = (path: string, token: string, body: Uint8Array, headers: Record<string, string>) =>
    fetch(app.url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: body as Uint8Array<ArrayBuffer>,
    });
  const remoteWrite = (token: string, series: Parameters<typeof encodeWriteRequest>[0]) =>
    post("/api/v1/write", token, snappy(encodeWriteRequest(series)), {
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
    });
  const agentPush = (token: string, body: Uint8Array, encoding = "gzip") =>
    post("/api/v1/ingest/agent", token, body, {
      "content-type": "application/json",
      "content-encoding": encoding,
    });
  const agentBatch = (host: string, series: unknown[]) => ({
    version: 1,
    agent: { name: "test" },
    os: "linux",
    host,
    series,
  });

  /** The bystander pushes one sample; after a flush it must be in metric_rollups. */
  let bystanderPushes = 0;
  const bystanderPush = async () => {
    const res = await remoteWrite(bystanderToken, [
      {
        labels: { __name__: "bystander_up", n: String(bystanderPushes++) },
        samples: [[nowMs() - 120_000, 1]],
      },
    ]);
    expect(res.status).toBe(200);
  };
  const bystanderSaved = async () => {
    await app.platform.collector!.flush();
    const rows = await app.platform.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
       WHERE s.component_id = $1`,
      [bystander.id],
    );
    return rows[0]!.n;
  };
  const alive = async () => expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

  beforeAll(async () => {
    // A short hand-over streak: a forged "forwarded by" header gets its chance to move a lease.
    app = await startTestApp({ env: { ROLES: "api,collector", COLLECTOR_HANDOFF_S: "1" } });
    const b = await makeContract(app.api, { components: ["bystander-01"] });
    bystander = b.components[0];
    bystanderToken = (await app.api("post", `/components/${bystander.id}/agent-token`)).body.token;
    const a = await makeContract(app.api, { components: ["attacker-01"] });
    attacker = a.components[0];
    attackerToken = (await app.api("post", `/components/${attacker.id}/agent-token`)).body.token;
  });
  afterAll(() => app?.stop());

  it("ingests pushes with a forged, huge 'forwarded by' header and moves no lease to a collector that does not exist", async () => {
    const forger = await makeContract(app.api, { components: ["forger-01"] });
    const forgerToken = (
      await app.api("post", `/components/${forger.components[0].id}/agent-token`)
    ).body.token;
    const forged = `http://evil.example/${"x".repeat(8_000)}`;
    const started = Date.now();
    let n = 0;
    // Over two heartbeats of the streak (1 s here), then one more heartbeat (3 s).
    while (Date.now() - started < 5_000) {
      const res = await post(
        "/api/v1/write",
        forgerToken,
        snappy(
          encodeWriteRequest([
            { labels: { __name__: "forged_hop", n: "1" }, samples: [[nowMs() - 60_000 + n++, 1]] },
          ]),
        ),
        {
          "content-type": "application/x-protobuf",
          "content-encoding": "snappy",
          "x-msp-forwarded-by": forged,
        },
      );
      expect(res.status).toBe(200);
      app.clock.advance(250); // the streak is timed by the injected clock
      await new Promise((r) => setTimeout(r, 250));
    }
    const leases = await app.platform.db.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM contract_leases WHERE collector_id = $1",
      [forged],
    );
    expect(leases[0]!.n).toBe(0);
    await bystanderPush();
    await alive();
  });

  it("refuses prototype names as a contract's instance label, naming the field", async () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const res = await app.api("post", "/contracts", {
        body: {
          customerName: "Proto KK",
          plan: "entry",
          contacts: [{ name: "A", email: "a@example.jp", language: "ja" }],
          instanceLabel: name,
        },
      });
      expect(res.status, name).toBe(400);
      expect(res.body.issues).toEqual([
        { path: "instanceLabel", message: expect.stringContaining("inherits") },
      ]);
    }
  });

  it("a contract push whose instance label is `constructor` (stored before the check) is answered", async () => {
    const { contract } = await makeContract(app.api, { components: ["proto-01"] });
    await app.platform.db.dataSource.query(
      `UPDATE contracts SET instance_label = 'constructor' WHERE id = $1`,
      [contract.id],
    );
    const token = (await app.api("post", `/contracts/${contract.id}/agent-tokens`)).body.token;
    app.platform.collector!.auth.invalidate();
    await bystanderPush();
    const res = await remoteWrite(token, [
      { labels: { __name__: "up", job: "x" }, samples: [[nowMs() - 1_000, 1]] },
    ]);
    expect(res.status).toBe(400);
    expect((await res.json()).rejectedSamples).toEqual({ unknown_component: 1 });
    await alive();
    expect(await bystanderSaved()).toBe(bystanderPushes);
  });

  it("a gzip bomb (128 MiB of `[` in ~130 KB) is refused while inflating", async () => {
    const gz = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on("data", (c: Buffer) => parts.push(c));
    const done = new Promise((r) => gz.on("end", r));
    const mb = Buffer.alloc(1 << 20, "[");
    for (let i = 0; i < 128; i++) gz.write(mb);
    gz.end();
    await done;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(200_000);

    await bystanderPush();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const poll = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const res = await agentPush(attackerToken, bomb);
    delay.disable();
    clearInterval(poll);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(res.status).toBe(413);
    expect((await res.json()).reason).toBe("payload_too_large");
    const addedMb = (peak - before) / 2 ** 20;
    const maxDelayS = delay.max / 1e9;
    console.log(
      `gzip bomb: +${addedMb.toFixed(1)} MB RSS, event loop max delay ${maxDelayS.toFixed(3)} s`,
    );
    expect(addedMb).toBeLessThan(200);
    expect(maxDelayS).toBeLessThan(1);
    await alive();
    expect(await bystanderSaved()).toBe(bystanderPushes);
  });

  it("a nesting bomb is refused before parsing, compressed or not", async () => {
    const deep = "[".repeat(2_000_000) + "]".repeat(2_000_000);
    await bystanderPush();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const plain = await agentPush(attackerToken, Buffer.from(deep), "identity");
    const zipped = await agentPush(attackerToken, gzipSync(deep));
    const inBatch = await agentPush(
      attackerToken,
      gzipSync(
        `{"version":1,"agent":{},"os":"linux","host":"h","series":[{"name":"m","labels":{},"samples":${"[".repeat(100)}${"]".repeat(100)}}]}`,
      ),
    );
    delay.disable();
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({
      reason: "bad_json",
      message: "JSON nested deeper than 16 levels",
    });
    expect(zipped.status).toBe(400);
    expect(inBatch.status).toBe(400);
    console.log(`nesting bombs: event loop max delay ${(delay.max / 1e9).toFixed(3)} s`);
    expect(delay.max / 1e9).toBeLessThan(1);
    await alive();
    expect(await bystanderSaved()).toBe(bystanderPushes);
  });

  it("a NUL byte in a label value is refused per series, naming the reason; the rest is saved", async () => {
    const ts = nowMs() - 60_000;
    await bystanderPush();
    const json = await agentPush(
      attackerToken,
      gzipSync(
        JSON.stringify(
          agentBatch(attacker.name, [
            { name: "nul_metric", labels: { path: "/a\u0000b" }, samples: [[ts, 1]] },
            { name: "ok_metric", labels: { path: "/a" }, samples: [[ts, 2]] },
          ]),
        ),
      ),
    );
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({
      acceptedSamples: 1,
      rejectedSamples: { invalid_label_value: 1 },
    });
    const rw = await remoteWrite(attackerToken, [
      { labels: { __name__: "nul_rw", v: "x\u0000" }, samples: [[ts, 1]] },
    ]);
    expect(rw.status).toBe(400);
    expect((await rw.json()).rejectedSamples).toEqual({ invalid_label_value: 1 });
    await alive();
    expect(await bystanderSaved()).toBe(bystanderPushes);
    const attackerRows = await app.platform.db.dataSource.query<{ name: string }[]>(
      `SELECT s.labels->>'__name__' AS name FROM metric_series s WHERE s.component_id = $1`,
      [attacker.id],
    );
    expect(attackerRows.map((r) => r.name)).toEqual(["ok_metric"]);
  });

  it("a NUL byte in any API string is refused with the field named", async () => {
    const res = await app.api("post", "/contracts", {
      body: {
        customerName: "Null\u0000KK",
        plan: "entry",
        contacts: [{ name: "A", email: "a@example.jp", language: "ja" }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { path: "customerName", message: expect.stringContaining("U+0000") },
    ]);
    const q = await app.api("get", `/contracts?status=${encodeURIComponent("active\u0000")}`);
    expect(q.status).toBe(400);
    expect(q.body.issues[0].path).toBe("query.status");
  });

  it("a rule hook that throws is counted; the push is answered and its samples kept", async () => {
    const engine = app.platform.rules!.engine;
    const original = engine.onSample.bind(engine);
    engine.onSample = () => {
      throw new TypeError("instance.replace is not a function");
    };
    try {
      await bystanderPush();
      const res = await remoteWrite(attackerToken, [
        { labels: { __name__: "hooked", k: "v" }, samples: [[nowMs() - 30_000, 1]] },
      ]);
      expect(res.status).toBe(200);
      expect((await res.json()).acceptedSamples).toBe(1);
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/^msp_ingest_hook_errors_total [1-9]/m);
    } finally {
      engine.onSample = original;
    }
    await alive();
    expect(await bystanderSaved()).toBe(bystanderPushes);
  });

  it("a flush with one row the database refuses saves every other row, and says which", async () => {
    const store = new RollupStore(app.platform.db.dataSource, 4);
    const minute = Math.floor(nowMs() / 60_000) * 60_000 - 600_000;
    const row = (componentId: string, labels: Record<string, string>, i: number): RollupRow => ({
      componentId,
      labels,
      series: new Series(10_000 + i, new ComponentState(componentId, 1, 200, undefined), labels),
      minuteStartMs: minute,
      min: i,
      max: i,
      sum: i,
      count: 1,
      avg: i,
      last: i,
      lastTs: minute + 1_000,
    });
    const rows = Array.from({ length: 9 }, (_, i) =>
      row(bystander.id, { __name__: "flush_isolation", i: String(i) }, i),
    );
    // Written straight to the store (ingest refuses both earlier): PostgreSQL cannot hold
    // U+0000, and a time beyond 2^53 ms is not an exact int8.
    rows.splice(5, 0, row(attacker.id, { __name__: "flush_isolation", bad: "x\u0000" }, 99));
    rows.splice(2, 0, {
      ...row(attacker.id, { __name__: "flush_isolation", bad: "time" }, 98),
      lastTs: 2 ** 53,
    });
    const dropped: RollupRow[] = [];
    expect(await store.write(RollupBatch.of(rows), (r) => dropped.push(r))).toBe(9);
    expect(dropped.map((r) => r.labels.bad).sort()).toEqual(["time", "x\u0000"]);
    const saved = await app.platform.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
       WHERE s.labels->>'__name__' = 'flush_isolation'`,
    );
    expect(saved[0]!.n).toBe(9);
  });

  it("a flush keeps every double bit for bit, and a minute written twice merges", async () => {
    const store = new RollupStore(app.platform.db.dataSource, 3);
    const minute = Math.floor(nowMs() / 60_000) * 60_000 - 660_000;
    const doubles = [-0, 5e-324, Number.MAX_VALUE, -Infinity, Infinity, 0.1 + 0.2, -(2 ** 53) - 2];
    const component = new ComponentState(bystander.id, 1, 200, undefined);
    const row = (v: number, i: number, count = 1, lastTs = minute + 1_000 + i): RollupRow => {
      const labels = { __name__: "flush_exact", i: String(i) };
      return {
        componentId: bystander.id,
        labels,
        series: new Series(20_000 + i, component, labels),
        minuteStartMs: minute,
        min: v,
        max: v,
        sum: v,
        count,
        avg: v,
        last: v,
        lastTs,
      };
    };
    const first = doubles.map((v, i) => row(v, i));
    expect(await store.write(RollupBatch.of(first))).toBe(doubles.length);
    // The same minute of series 0 again, later: min/max/sum/count merge, `last` is the later.
    const again = { ...row(7.5, 0, 2_147_483_000, minute + 59_999), series: first[0]!.series };
    expect(await store.write(RollupBatch.of([again]))).toBe(1);
    const saved = await app.platform.db.dataSource.query<
      { i: string; min: number; max: number; sum: number; count: number; last: number; at: Date }[]
    >(
      `SELECT s.labels->>'i' AS i, r.min, r.max, r.sum, r.count, r.last, r.last_at AS at
       FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
       WHERE s.labels->>'__name__' = 'flush_exact' AND r.minute = $1 ORDER BY 1`,
      [new Date(minute).toISOString()],
    );
    expect(saved.map((r) => Number(r.i))).toEqual(doubles.map((_, i) => i));
    for (const r of saved.slice(1)) {
      const v = doubles[Number(r.i)]!;
      expect([r.min, r.max, r.sum, r.last].map((x) => Object.is(Number(x), v))).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(r.count).toBe(1);
      expect(new Date(r.at).getTime()).toBe(minute + 1_000 + Number(r.i));
    }
    const merged = saved[0]!;
    expect(Object.is(Number(merged.min), -0)).toBe(true);
    expect([merged.max, merged.sum, merged.last].map(Number)).toEqual([7.5, 7.5, 7.5]);
    expect(merged.count).toBe(2_147_483_001);
    expect(new Date(merged.at).getTime()).toBe(minute + 59_999);
  });
});
