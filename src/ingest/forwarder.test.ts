import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { uncompress } from "snappyjs";
import { afterEach, describe, expect, it } from "vitest";
import { RemoteWriteForwarder, type ForwarderOptions } from "./forwarder.js";
import { ComponentState, Series } from "./series-store.js";
import { decodeWriteRequest } from "./test-helpers.js";

interface Received {
  headers: IncomingHttpHeaders;
  series: Array<{ labels: string[][]; samples: number[][] }>;
}

// A real remote_write receiver: node:http, snappyjs and protobufjs (not our decoder).
async function receiver(
  statuses: number[],
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = decodeWriteRequest(uncompress(new Uint8Array(Buffer.concat(chunks))));
      got.push({
        headers: req.headers,
        series: m.timeseries.map((t) => ({
          labels: t.labels.map((l) => [l.name, l.value]),
          samples: t.samples.map((s) => [s.timestamp, s.value]),
        })),
      });
      const status = statuses.shift() ?? 204;
      res.writeHead(status, status === 429 ? { "retry-after": "2" } : {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    got,
    server,
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const comp = new ComponentState("vm-1", 1, 200, "contract-a");
const up = new Series(0, comp, { __name__: "up", instance: "vm-1:9100", job: "node" });
const load = new Series(1, comp, { __name__: "node_load1", instance: "vm-1:9100" });

function forwarder(url: string, opts: Partial<ForwarderOptions> = {}) {
  const sleeps: number[] = [];
  const f = new RemoteWriteForwarder({
    url,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...opts,
  });
  return { f, sleeps };
}

describe(RemoteWriteForwarder.name, () => {
  it("delivers queued samples grouped by series, with the remote_write headers", async () => {
    const rx = await receiver([]);
    const { f } = forwarder(rx.url, { headers: { authorization: "Bearer t" } });
    f.onSample("vm-1", up, up.labels, 1000, 1);
    f.onSample("vm-1", load, load.labels, 1000, 0.25);
    f.onSample("vm-1", up, up.labels, 2000, 0);
    await f.flush();
    expect(rx.got).toHaveLength(1);
    expect(rx.got[0]!.headers).toMatchObject({
      "content-encoding": "snappy",
      "content-type": "application/x-protobuf",
      "x-prometheus-remote-write-version": "0.1.0",
      authorization: "Bearer t",
    });
    expect(rx.got[0]!.series).toEqual([
      {
        labels: [
          ["__name__", "up"],
          ["component_id", "vm-1"],
          ["contract_id", "contract-a"],
          ["instance", "vm-1:9100"],
          ["job", "node"],
        ],
        samples: [
          [1000, 1],
          [2000, 0],
        ],
      },
      {
        labels: [
          ["__name__", "node_load1"],
          ["component_id", "vm-1"],
          ["contract_id", "contract-a"],
          ["instance", "vm-1:9100"],
        ],
        samples: [[1000, 0.25]],
      },
    ]);
    expect(f.stats).toMatchObject({ sentSamples: 3, requests: 1, retries: 0 });
    expect(f.depth).toBe(0);
  });

  it("sets contract_id and component_id itself: tenants stay apart and cannot spoof them", async () => {
    const rx = await receiver([]);
    const { f } = forwarder(rx.url);
    const other = new ComponentState("vm-9", 2, 200, "contract-b");
    const mine = new Series(5, comp, { __name__: "fwd_probe", instance: "web1" });
    const theirs = new Series(6, other, { __name__: "fwd_probe", instance: "web1" });
    const spoof = new Series(7, other, {
      __name__: "fwd_spoof",
      component_id: "vm-1",
      contract_id: "contract-a",
    });
    f.onSample("vm-1", mine, mine.labels, 1000, 1);
    f.onSample("vm-9", theirs, theirs.labels, 1000, 2);
    f.onSample("vm-9", spoof, spoof.labels, 1000, 3);
    await f.flush();
    expect(rx.got[0]!.series.map((s) => s.labels)).toEqual([
      [
        ["__name__", "fwd_probe"],
        ["component_id", "vm-1"],
        ["contract_id", "contract-a"],
        ["instance", "web1"],
      ],
      [
        ["__name__", "fwd_probe"],
        ["component_id", "vm-9"],
        ["contract_id", "contract-b"],
        ["instance", "web1"],
      ],
      [
        ["__name__", "fwd_spoof"],
        ["component_id", "vm-9"],
        ["contract_id", "contract-b"],
      ],
    ]);
  });

  it("retries 5xx and 429 with backoff, honouring Retry-After", async () => {
    const rx = await receiver([503, 429, 500]);
    const { f, sleeps } = forwarder(rx.url, { minBackoffMs: 100 });
    f.onSample("vm-1", up, up.labels, 1000, 1);
    await f.flush();
    expect(rx.got).toHaveLength(4);
    expect(sleeps).toEqual([50, 2000, 200]); // jitter 0.5 x 100, Retry-After 2 s, 0.5 x 400
    expect(f.stats).toMatchObject({ sentSamples: 1, requests: 4, retries: 3 });
  });

  it("drops a batch the receiver rejects with 4xx, without retrying", async () => {
    const rx = await receiver([400]);
    const { f } = forwarder(rx.url);
    f.onSample("vm-1", up, up.labels, 1000, 1);
    f.onSample("vm-1", up, up.labels, 2000, 1);
    await f.flush();
    expect(rx.got).toHaveLength(1);
    expect(f.stats).toMatchObject({ sentSamples: 0, droppedRejected: 2, retries: 0 });
  });

  it("gives up after maxAttempts on network errors", async () => {
    const rx = await receiver([]);
    await new Promise((r) => rx.server.close(r));
    const { f, sleeps } = forwarder(rx.url, { maxAttempts: 3 });
    f.onSample("vm-1", up, up.labels, 1000, 1);
    await f.flush();
    expect(sleeps).toHaveLength(2);
    expect(f.stats).toMatchObject({ requests: 3, droppedRetriesExhausted: 1 });
  });

  it("drops the oldest samples when the queue is full, and sends in batches", async () => {
    const rx = await receiver([]);
    const { f } = forwarder(rx.url, { maxQueueSamples: 4, maxBatchSamples: 2 });
    for (let i = 1; i <= 6; i++) f.onSample("vm-1", up, up.labels, i * 1000, i);
    expect(f.depth).toBe(4);
    await f.flush();
    expect(rx.got.map((g) => g.series[0]!.samples)).toEqual([
      [
        [3000, 3],
        [4000, 4],
      ],
      [
        [5000, 5],
        [6000, 6],
      ],
    ]);
    expect(f.stats).toMatchObject({ droppedQueueFull: 2, sentSamples: 4 });
  });
});
