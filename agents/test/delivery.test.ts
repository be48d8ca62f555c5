import { afterEach, describe, expect, it } from "vitest";
import { SampleBuffer } from "../src/buffer.js";
import { Delivery } from "../src/delivery.js";
import type { Point } from "../src/points.js";
import { createHttpTransport } from "../src/transport.js";
import { AGENT_VERSION } from "../src/version.js";
import { acceptedSamples, freePort, type Reply, startReceiver, until } from "./receiver.js";

const collection = (k: number, n = 4): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    name: "node_test",
    labels: { i: String(i) },
    value: k * 100 + i,
  }));
const expectedSamples = (ks: number[], n = 4) =>
  ks.flatMap((k) =>
    Array.from({ length: n }, (_, i) => `node_test{"i":"${i}"}@${k * 1000}=${k * 100 + i}`),
  );

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function receiver(port = 0, script: Reply[] = []) {
  const r = await startReceiver(port, script);
  cleanup.push(r.close);
  return r;
}

function setup(
  port: number,
  opts: Partial<ConstructorParameters<typeof Delivery>[0]> = {},
  capacity = 1000,
) {
  const buffer = new SampleBuffer({ capacitySamples: capacity });
  const sleeps: number[] = [];
  const transport = createHttpTransport({
    url: `http://127.0.0.1:${port}/`,
    token: "tok-123",
    timeoutMs: 2_000,
  });
  const delivery = new Delivery({
    buffer,
    transport,
    os: "linux",
    host: "vm-01",
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...opts,
  });
  return { buffer, delivery, sleeps };
}

describe(Delivery.name, () => {
  it("loses nothing and duplicates nothing while the collector is down, then up", async () => {
    const port = await freePort();
    let up: Awaited<ReturnType<typeof receiver>> | null = null;
    const sleeps: number[] = [];
    const { buffer, delivery } = setup(port, {
      maxBatchSamples: 8,
      // The collector comes up during the third backoff wait.
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) up = await receiver(port);
      },
    });
    for (const k of [1, 2, 3, 4, 5]) buffer.push(k * 1000, collection(k));
    const stop = new AbortController();
    const running = delivery.run(stop.signal);
    await until(() => up !== null && buffer.size === 0);
    for (const k of [6, 7]) (buffer.push(k * 1000, collection(k)), delivery.notify());
    await until(() => buffer.size === 0 && acceptedSamples(up!.accepted()).length === 28);
    stop.abort();
    await running;

    const got = acceptedSamples(up!.accepted());
    expect(got.sort()).toEqual(expectedSamples([1, 2, 3, 4, 5, 6, 7]).sort());
    expect(new Set(got).size).toBe(got.length);
    // Full jitter with random() = 0.5: half of 1 s, 2 s, 4 s.
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(delivery.sendFailures).toBe(3);
    expect(delivery.sentSamples).toBe(28);
    for (const r of up!.requests)
      expect(r.payload.series.reduce((n, s) => n + s.samples.length, 0)).toBeLessThanOrEqual(8);
  });

  it("delivers exactly what survived an overflow, each sample once, and counts the rest as dropped", async () => {
    const port = await freePort();
    const { buffer, delivery } = setup(port, {}, 12);
    for (const k of [1, 2, 3, 4, 5]) buffer.push(k * 1000, collection(k));
    expect((await delivery.attempt()).outcome).toBe("retry"); // connection refused
    const up = await receiver(port);
    expect(await delivery.flush(5_000)).toBe(true);
    expect(acceptedSamples(up.accepted()).sort()).toEqual(expectedSamples([3, 4, 5]).sort());
    expect(buffer.dropped.buffer_full).toBe(8);
  });

  it("waits exactly the Retry-After seconds of a 429", async () => {
    const up = await receiver(0, [{ status: 429, headers: { "retry-after": "7" } }]);
    const { buffer, delivery, sleeps } = setup(up.port);
    buffer.push(1000, collection(1));
    const stop = new AbortController();
    const running = delivery.run(stop.signal);
    await until(() => buffer.size === 0);
    stop.abort();
    await running;
    expect(sleeps).toEqual([7000]);
    expect(up.requests.map((r) => r.status)).toEqual([429, 204]);
    expect(acceptedSamples(up.accepted())).toHaveLength(4);
  });

  it("understands Retry-After as an HTTP date, and caps absurd waits", async () => {
    const now = Date.UTC(2025, 0, 15, 3, 0, 0);
    const up = await receiver(0, [
      { status: 429, headers: { "retry-after": new Date(now + 30_000).toUTCString() } },
      { status: 503, headers: { "retry-after": "86400" } },
    ]);
    const { buffer, delivery, sleeps } = setup(up.port, { now: () => now });
    buffer.push(1000, collection(1));
    const stop = new AbortController();
    const running = delivery.run(stop.signal);
    await until(() => buffer.size === 0);
    stop.abort();
    await running;
    expect(sleeps).toEqual([30_000, 600_000]);
  });

  it("drops and counts a batch refused with a 4xx, then goes on with the next", async () => {
    const up = await receiver(0, [{ status: 400 }]);
    const { buffer, delivery, sleeps } = setup(up.port, { maxBatchSamples: 4 });
    buffer.push(1000, collection(1));
    buffer.push(2000, collection(2));
    expect((await delivery.attempt()).outcome).toBe("rejected");
    expect((await delivery.attempt()).outcome).toBe("sent");
    expect(acceptedSamples(up.accepted()).sort()).toEqual(expectedSamples([2]).sort());
    expect(buffer.dropped.rejected).toBe(4);
    expect(delivery.sendFailures).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("retries 5xx, 408 and timeouts with growing backoff, without duplicating", async () => {
    const up = await receiver(0, [{ status: 500 }, { status: 408 }, { status: 502, hang: true }]);
    const transport = createHttpTransport({
      url: `http://127.0.0.1:${up.port}`,
      token: "t",
      timeoutMs: 200,
    });
    const { buffer, delivery, sleeps } = setup(up.port, { transport });
    buffer.push(1000, collection(1));
    const stop = new AbortController();
    const running = delivery.run(stop.signal);
    await until(() => buffer.size === 0);
    stop.abort();
    await running;
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(acceptedSamples(up.accepted()).sort()).toEqual(expectedSamples([1]).sort());
  });

  it("halves the batch after a 413 instead of dropping data", async () => {
    const up = await receiver(0, [{ status: 413 }]);
    const { buffer, delivery } = setup(up.port, { maxBatchSamples: 100 });
    for (const k of [1, 2, 3, 4]) buffer.push(k * 1000, collection(k));
    expect((await delivery.attempt()).outcome).toBe("split");
    expect(await delivery.flush(5_000)).toBe(true);
    expect(up.accepted().map((r) => r.payload.series[0]!.samples.length)).toEqual([2, 2]);
    expect(buffer.dropped).toEqual({ buffer_full: 0, rejected: 0 });
  });

  it("posts gzip JSON in the documented schema with the bearer token", async () => {
    const up = await receiver();
    const { buffer, delivery } = setup(up.port);
    buffer.push(1000, [
      { name: "node_load1", labels: {}, value: 0.25 },
      { name: "node_cpu_seconds_total", labels: { cpu: "0", mode: "idle" }, value: 12.5 },
    ]);
    buffer.push(2000, [{ name: "node_load1", labels: {}, value: 0.5 }]);
    await delivery.flush(5_000);
    const [req] = up.requests;
    expect(req!.headers["content-encoding"]).toBe("gzip");
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["authorization"]).toBe("Bearer tok-123");
    expect(req!.headers["idempotency-key"]).toMatch(/^[0-9a-f]{12}-1-2$/);
    expect(req!.payload).toEqual({
      version: 1,
      agent: { name: "msp-agent", version: AGENT_VERSION },
      os: "linux",
      host: "vm-01",
      series: [
        {
          name: "node_load1",
          labels: {},
          samples: [
            [1000, 0.25],
            [2000, 0.5],
          ],
        },
        {
          name: "node_cpu_seconds_total",
          labels: { cpu: "0", mode: "idle" },
          samples: [[1000, 12.5]],
        },
      ],
    });
  });

  it("gives up a shutdown flush at the first retryable failure", async () => {
    const { buffer, delivery } = setup(await freePort());
    buffer.push(1000, collection(1));
    expect(await delivery.flush(5_000)).toBe(false);
    expect(buffer.size).toBe(4);
  });
});
