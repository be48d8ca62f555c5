import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWriteRequest, snappy } from "../../src/ingest/test-helpers.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { makeContract, makeUser } from "../support/factories.js";

// The collector end to end over HTTP: real snappy/protobuf (encoded by protobufjs +
// snappyjs, not by our own encoder), real gzip JSON batches, tokens from the API.
describe("collector ingest", () => {
  let app: TestApp;
  let contract: { id: string };
  let component: { id: string; name: string };
  let token: string;
  const nowMs = () => app.clock.now().getTime();

  const push = (
    body: Uint8Array<ArrayBuffer>,
    tok = token,
    path = "/api/v1/write",
    headers: Record<string, string> = {},
  ) =>
    fetch(app.url + path, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tok}`,
        "content-type": "application/x-protobuf",
        "content-encoding": "snappy",
        "x-prometheus-remote-write-version": "0.1.0",
        ...headers,
      },
      body,
    });
  const series = (n: number, ts: number, prefix = "m") =>
    Array.from({ length: n }, (_, i) => ({
      labels: { __name__: `${prefix}_${i}`, job: "node" },
      samples: [[ts, i] as [number, number]],
    }));

  beforeAll(async () => {
    app = await startTestApp({ env: { ROLES: "api,collector" } });
    const made = await makeContract(app.api, { components: ["web-01", "web-02"] });
    contract = made.contract;
    component = made.components[0];
    token = (await app.api("post", `/components/${component.id}/agent-token`)).body.token;
  });
  afterAll(() => app?.stop());

  it("accepts a remote_write push and serves the series and its points", async () => {
    const ts = nowMs() - 5_000;
    const res = await push(
      snappy(
        encodeWriteRequest([
          {
            labels: { __name__: "node_load1", instance: "web-01:9100" },
            samples: [
              [ts - 10_000, 0.5],
              [ts, 1.25],
            ],
          },
        ]),
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ acceptedSamples: 2, rejectedSeries: 0 });
    const list = await app.api("get", `/components/${component.id}/series`);
    expect(list.body.map((s: { key: string }) => s.key)).toContain(
      'node_load1{instance="web-01:9100"}',
    );
    const labels = encodeURIComponent(
      JSON.stringify({ __name__: "node_load1", instance: "web-01:9100" }),
    );
    const points = await app.api(
      "get",
      `/components/${component.id}/series/points?labels=${labels}`,
    );
    expect(points.body.points.map((p: { v: number }) => p.v)).toEqual([0.5, 1.25]);
  });

  it("accepts a gzip JSON batch from the bundled agent", async () => {
    const batch = {
      version: 1,
      agent: { name: "msp-agent", version: "0.1.0" },
      os: "linux",
      host: "web-01",
      series: [
        { name: "node_memory_MemAvailable_bytes", labels: {}, samples: [[nowMs() - 1000, 123456]] },
      ],
    };
    const res = await push(gzipSync(JSON.stringify(batch)), token, "/api/v1/ingest/agent", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(200);
    expect((await res.json()).acceptedSamples).toBe(1);
  });

  it("rejects only the new series beyond the cap, keeps existing ones flowing, and says so", async () => {
    const freshComponent = (await makeContract(app.api)).components[0].id;
    const fresh = (await app.api("post", `/components/${freshComponent}/agent-token`)).body.token;
    const t0 = nowMs() - 60_000;
    const first = await push(snappy(encodeWriteRequest(series(200, t0))), fresh);
    expect((await first.json()).acceptedSamples).toBe(200);
    const over = await push(
      snappy(encodeWriteRequest([...series(200, t0 + 10_000), ...series(5, t0 + 10_000, "new")])),
      fresh,
    );
    expect(over.status).toBe(200);
    expect(await over.json()).toMatchObject({ acceptedSamples: 200, rejectedSeries: 5, cap: 200 });
    const onlyNew = await push(snappy(encodeWriteRequest(series(3, t0 + 20_000, "other"))), fresh);
    // 200 even though nothing was taken: a 4xx would make Prometheus log "non-recoverable
    // error" on every scrape of series that can never fit (docs/decisions/0012).
    expect(onlyNew.status).toBe(200);
    expect(await onlyNew.json()).toMatchObject({
      code: "LIMIT_EXCEEDED",
      acceptedSamples: 0,
      rejectedSeries: 3,
      cap: 200,
    });
    const refused = await app.api("get", `/components/${freshComponent}/refused-series`);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ cap: 200, activeSeries: 200 });
    expect(refused.body.refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: "other_0", reason: "cap_exceeded", series: 1 }),
        expect.objectContaining({ metric: "new_4", reason: "cap_exceeded", series: 1 }),
      ]),
    );
  });

  it("answers malformed payloads with 400 and the reason", async () => {
    const badSnappy = await push(new Uint8Array([0x0a, 0x01, 0x02])); // a copy before any literal
    expect(badSnappy.status).toBe(400);
    expect((await badSnappy.json()).reason).toBe("bad_snappy");
    const bomb = await push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2])); // declares ~4 GiB
    expect(bomb.status).toBe(413);
    expect((await bomb.json()).reason).toBe("payload_too_large");
    const badProto = await push(snappy(new Uint8Array([0x0a, 0xff, 0x01])));
    expect((await badProto.json()).reason).toBe("bad_protobuf");
    const badJson = await push(gzipSync("{nope"), token, "/api/v1/ingest/agent", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect((await badJson.json()).reason).toBe("bad_json");
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("refuses unknown, revoked and terminated credentials", async () => {
    expect((await push(new Uint8Array(), "msa_nope")).status).toBe(401);
    const { contract: c, components } = await makeContract(app.api);
    const issued = (await app.api("post", `/components/${components[0].id}/agent-token`)).body;
    await app.api("delete", `/agent-tokens/${issued.id}`);
    app.platform.collector!.auth.invalidate(); // other instances see it after the cache TTL (5 s)
    expect((await push(snappy(encodeWriteRequest(series(1, nowMs()))), issued.token)).status).toBe(
      401,
    );
    const contractToken = (await app.api("post", `/contracts/${c.id}/agent-tokens`)).body.token;
    await app.api("post", `/contracts/${c.id}/terminate`);
    app.platform.collector!.auth.invalidate();
    expect((await push(snappy(encodeWriteRequest(series(1, nowMs()))), contractToken)).status).toBe(
      401,
    ); // tokens revoked at termination
  });

  it("with a per-contract token, routes series by the instance label and rejects unknown instances", async () => {
    const contractToken = (await app.api("post", `/contracts/${contract.id}/agent-tokens`)).body
      .token;
    const ts = nowMs() - 2_000;
    const res = await push(
      snappy(
        encodeWriteRequest([
          { labels: { __name__: "up", instance: "web-02:9100", job: "node" }, samples: [[ts, 1]] },
          {
            labels: { __name__: "up", instance: "stranger:9100", job: "node" },
            samples: [[ts, 1]],
          },
        ]),
      ),
      contractToken,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      acceptedSamples: 1,
      rejectedSamples: { unknown_component: 1 },
    });
    const web02 = (await app.api("get", `/contracts/${contract.id}/components`)).body.items.find(
      (c: { name: string }) => c.name === "web-02",
    );
    const keys = (await app.api("get", `/components/${web02.id}/series`)).body.map(
      (s: { key: string }) => s.key,
    );
    expect(keys).toContain('up{instance="web-02:9100",job="node"}');
  });

  it("writes 1-minute rollups to the database and serves them", async () => {
    const base = Math.floor((nowMs() - 10 * 60_000) / 60_000) * 60_000;
    const points: [number, number][] = [
      [base + 1_000, 1],
      [base + 20_000, 3],
      [base + 40_000, 2],
      [base + 61_000, 9],
    ];
    await push(
      snappy(encodeWriteRequest([{ labels: { __name__: "roll_test" }, samples: points }])),
    );
    await app.platform.collector!.flush();
    const labels = encodeURIComponent(JSON.stringify({ __name__: "roll_test" }));
    const res = await app.api(
      "get",
      `/components/${component.id}/series/points?labels=${labels}&resolution=1m&from=${new Date(base).toISOString()}`,
    );
    expect(res.body.points[0]).toEqual({
      t: new Date(base).toISOString(),
      v: 2,
      min: 1,
      max: 3,
      avg: 2,
    });
  });

  it("keeps another contract's series out of reach of a customer", async () => {
    const other = await makeContract(app.api);
    const customer = await makeUser(app.api, "customer", other.contract.id);
    expect(
      (await app.api("get", `/components/${component.id}/series`, { token: customer.token }))
        .status,
    ).toBe(404);
    const labels = encodeURIComponent(
      JSON.stringify({ __name__: "node_load1", instance: "web-01:9100" }),
    );
    expect(
      (
        await app.api("get", `/components/${component.id}/series/points?labels=${labels}`, {
          token: customer.token,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await app.api("get", `/components/${component.id}/refused-series`, {
          token: customer.token,
        })
      ).status,
    ).toBe(404);
  });

  it("marks every component of a per-contract token's push as seen", async () => {
    const made = await makeContract(app.api, { components: ["vm-a", "vm-b", "vm-c"] });
    const tok = (await app.api("post", `/contracts/${made.contract.id}/agent-tokens`)).body.token;
    const ts = nowMs() - 1_000;
    const res = await push(
      snappy(
        encodeWriteRequest(
          ["vm-a:9100", "vm-b"].map((instance) => ({
            labels: { __name__: "up", instance, job: "node" },
            samples: [[ts, 1] as [number, number]],
          })),
        ),
      ),
      tok,
    );
    expect(res.status).toBe(200);
    await app.platform.collector!.flush();
    const seen = async (id: string) =>
      (await app.api("get", `/components/${id}`)).body.lastSeenAt as string | null;
    expect(await seen(made.components[0].id)).toBe(app.clock.now().toISOString());
    expect(await seen(made.components[1].id)).toBe(app.clock.now().toISOString());
    expect(await seen(made.components[2].id)).toBeNull();
  });
});

describe("collector rate limit", () => {
  let app: TestApp;
  beforeAll(
    async () =>
      (app = await startTestApp({ env: { ROLES: "api,collector", INGEST_SAMPLES_PER_S: "10" } })),
  );
  afterAll(() => app?.stop());

  it("answers 429 with Retry-After once a component exceeds its rate, without touching others", async () => {
    const [a, b] = [await makeContract(app.api), await makeContract(app.api)];
    const tokA = (await app.api("post", `/components/${a.components[0].id}/agent-token`)).body
      .token;
    const tokB = (await app.api("post", `/components/${b.components[0].id}/agent-token`)).body
      .token;
    const ts = app.clock.now().getTime() - 1_000;
    const body = snappy(
      encodeWriteRequest(
        Array.from({ length: 200 }, (_, i) => ({
          labels: { __name__: `r_${i}` },
          samples: [[ts, 1] as [number, number]],
        })),
      ),
    );
    const send = (tok: string) =>
      fetch(`${app.url}/api/v1/write`, {
        method: "POST",
        headers: { authorization: `Bearer ${tok}`, "content-encoding": "snappy" },
        body,
      });
    expect((await send(tokA)).status).toBe(200); // burst = 30 s of the rate = 300 samples
    const limited = await send(tokA);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await send(tokB)).status).toBe(200);
  });
});
