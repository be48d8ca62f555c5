import { describe, expect, it, vi } from "vitest";
import { Agent } from "../src/agent.js";
import { SampleBuffer } from "../src/buffer.js";
import { Delivery } from "../src/delivery.js";
import type { Payload, Point } from "../src/points.js";
import type { Transport } from "../src/transport.js";
import { gunzipSync } from "node:zlib";
import { until } from "./receiver.js";

function fakeTransport(failFirst = 0) {
  const payloads: Payload[] = [];
  let calls = 0;
  const transport: Transport = {
    async post(body) {
      if (++calls <= failFirst) throw new Error("connect ECONNREFUSED 127.0.0.1:9");
      payloads.push(JSON.parse(gunzipSync(body).toString("utf8")));
      return { status: 204, body: "" };
    },
  };
  return { transport, payloads };
}

function build(collect: () => Promise<Point[]>, failFirst = 0) {
  const { transport, payloads } = fakeTransport(failFirst);
  const buffer = new SampleBuffer({ capacitySamples: 10_000 });
  const delivery = new Delivery({
    buffer,
    transport,
    os: "linux",
    host: "h",
    sleep: async () => {},
  });
  const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const agent = new Agent({
    collector: { os: "linux", collect },
    buffer,
    delivery,
    intervalMs: 20,
    log,
  });
  return { agent, payloads, buffer, log };
}

const series = (payloads: Payload[], name: string, labels: Record<string, string> = {}) =>
  payloads.flatMap((p) =>
    p.series.filter((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels)),
  );

describe(Agent.name, () => {
  it("collects on every interval and sends each collection with the agent's own counters", async () => {
    const { agent, payloads } = build(async () => [{ name: "node_load1", labels: {}, value: 1 }]);
    agent.start();
    await until(() => series(payloads, "node_load1").flatMap((s) => s.samples).length >= 3);
    expect(await agent.stop(1_000)).toBe(true);
    const ts = series(payloads, "node_load1").flatMap((s) => s.samples.map(([t]) => t));
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(15);
    expect(
      series(payloads, "msp_agent_dropped_samples_total", { reason: "buffer_full" }).length,
    ).toBeGreaterThan(0);
    expect(
      series(payloads, "msp_agent_dropped_samples_total", { reason: "rejected" }).length,
    ).toBeGreaterThan(0);
    expect(series(payloads, "msp_agent_buffered_samples").length).toBeGreaterThan(0);
  });

  it("reports its send failures in a later collection", async () => {
    const { agent, payloads } = build(
      async () => [{ name: "node_load1", labels: {}, value: 1 }],
      2,
    );
    agent.start();
    await until(() =>
      series(payloads, "msp_agent_send_failures_total").some((s) =>
        s.samples.some(([, v]) => v === 2),
      ),
    );
    await agent.stop(1_000);
  });

  it("keeps its schedule when a collection throws", async () => {
    let n = 0;
    const { agent, payloads, log } = build(async () => {
      if (++n === 1) throw new Error("EACCES /proc/stat");
      return [{ name: "node_load1", labels: {}, value: n }];
    });
    agent.start();
    await until(() => series(payloads, "node_load1").length > 0);
    await agent.stop(1_000);
    expect(log.error).toHaveBeenCalledWith("collection failed", {
      error: "Error: EACCES /proc/stat",
    });
  });
});
